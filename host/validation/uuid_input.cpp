#include "uuid_input.h"

#include <array>
#include <cctype>

namespace prefectd {
namespace {

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// The crate's InvalidUuid::into_err: why `input` is not a UUID.
std::string describe_invalid(std::string_view input) {
  std::string_view body = input;
  size_t offset = 0;
  bool simple = false;
  if (input.size() >= 2 && input.front() == '{' && input.back() == '}') {
    body = input.substr(1, input.size() - 2);
    offset = 1;
  } else if (input.starts_with("urn:uuid:")) {
    body = input.substr(9);
    offset = 9;
  } else {
    simple = true;
  }
  size_t hyphens = 0;
  std::array<size_t, 4> group_bounds{};
  for (size_t index = 0; index < body.size(); ++index) {
    const unsigned char byte = static_cast<unsigned char>(body[index]);
    if (byte >= 0x80) {
      // A multi-byte character: the crate names the whole character.
      size_t length = (byte & 0xE0) == 0xC0 ? 2 : (byte & 0xF0) == 0xE0 ? 3 : 4;
      return "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `" +
             std::string(body.substr(index, length)) + "` at " + std::to_string(index + offset + 1);
    }
    if (byte == '-') {
      if (hyphens < 4) group_bounds[hyphens] = index;
      ++hyphens;
    } else if (!is_hex(static_cast<char>(byte))) {
      return "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `" +
             std::string(1, static_cast<char>(byte)) + "` at " + std::to_string(index + offset + 1);
    }
  }
  if (hyphens == 0 && simple) {
    return "invalid length: expected length 32 for simple format, found " + std::to_string(input.size());
  }
  if (hyphens != 4) return "invalid group count: expected 5, found " + std::to_string(hyphens + 1);
  constexpr std::array<size_t, 5> kBlockStarts{0, 9, 14, 19, 24};
  constexpr std::array<size_t, 5> kExpected{8, 4, 4, 4, 12};
  for (size_t group = 0; group < 4; ++group) {
    if (group_bounds[group] != kBlockStarts[group + 1] - 1) {
      return "invalid group length in group " + std::to_string(group) + ": expected " +
             std::to_string(kExpected[group]) + ", found " + std::to_string(group_bounds[group] - kBlockStarts[group]);
    }
  }
  return "invalid group length in group 4: expected 12, found " + std::to_string(input.size() - kBlockStarts[4]);
}

bool hyphens_in_place(std::string_view text) {
  return text.size() == 36 && text[8] == '-' && text[13] == '-' && text[18] == '-' && text[23] == '-';
}

}  // namespace

std::variant<Uuid, std::string> read_uuid_text(std::string_view text) {
  std::string_view hyphenated;
  if (text.size() == 36) {
    hyphenated = text;
  } else if (text.size() == 38 && text.front() == '{' && text.back() == '}') {
    hyphenated = text.substr(1, 36);
  } else if (text.size() == 45 && text.starts_with("urn:uuid:")) {
    hyphenated = text.substr(9);
  }
  if (text.size() == 32 || hyphens_in_place(hyphenated)) {
    if (auto uuid = Uuid::parse(text.size() == 32 ? text : hyphenated)) return *uuid;
  }
  return describe_invalid(text);
}

}  // namespace prefectd
