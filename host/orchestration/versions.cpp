#include "versions.h"

#include <cctype>
#include <limits>
#include <regex>

namespace prefectd {
namespace {

bool read_number(std::string_view &text, long &number) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front()))) return false;
  number = 0;
  while (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) {
    number = number * 10 + (text.front() - '0');
    text.remove_prefix(1);
  }
  return true;
}

bool consume(std::string_view &text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text) {
  Version version;
  consume(text, "v");
  long number = 0;
  if (!read_number(text, number)) return std::nullopt;
  version.release_.push_back(number);
  while (text.size() > 1 && text[0] == '.' && std::isdigit(static_cast<unsigned char>(text[1]))) {
    text.remove_prefix(1);
    read_number(text, number);
    version.release_.push_back(number);
  }
  if (auto plus = text.find('+'); plus != std::string_view::npos) text = text.substr(0, plus);
  consume(text, "-") || consume(text, "_") || consume(text, ".");
  static constexpr std::pair<std::string_view, int> kPreReleases[] = {{"rc", 2}, {"alpha", 0}, {"beta", 1},
                                                                      {"a", 0},  {"b", 1},     {"c", 2}};
  for (const auto &[marker, kind] : kPreReleases) {
    if (consume(text, marker)) {
      version.pre_kind_ = kind;
      version.pre_number_ = 0;
      read_number(text, version.pre_number_);
      break;
    }
  }
  consume(text, "-") || consume(text, "_") || consume(text, ".");
  if (consume(text, "post")) {
    version.post_ = 0;
    read_number(text, version.post_);
  }
  consume(text, "-") || consume(text, "_") || consume(text, ".");
  if (consume(text, "dev")) {
    version.dev_ = 0;
    read_number(text, version.dev_);
  }
  if (!text.empty()) return std::nullopt;
  while (version.release_.size() > 1 && version.release_.back() == 0) version.release_.pop_back();
  // A dev release without a pre-release sorts before every pre-release.
  if (version.dev_ >= 0 && version.pre_kind_ == 3 && version.post_ < 0) version.pre_kind_ = -1;
  return version;
}

std::strong_ordering Version::operator<=>(const Version &other) const {
  if (auto order = release_ <=> other.release_; order != 0) return order;
  if (auto order = pre_kind_ <=> other.pre_kind_; order != 0) return order;
  if (auto order = pre_number_ <=> other.pre_number_; order != 0) return order;
  if (auto order = post_ <=> other.post_; order != 0) return order;
  // No dev marker sorts after any dev release of the same version.
  long dev = dev_ < 0 ? std::numeric_limits<long>::max() : dev_;
  long other_dev = other.dev_ < 0 ? std::numeric_limits<long>::max() : other.dev_;
  return dev <=> other_dev;
}

std::optional<std::string> client_version_from_user_agent(std::string_view user_agent) {
  static const std::regex kPattern(R"(^prefect/(\d+\.\d+\.\d+(?:[a-z.+0-9]+)?) \(API \S+\)$)");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_match(user_agent.begin(), user_agent.end(), match, kPattern)) return std::nullopt;
  return match[1].str();
}

}  // namespace prefectd
