#include "http_types.h"

namespace prefectd {

std::optional<std::string> HttpRequest::query_parameter(const std::string &name) const {
  for (const auto &[key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<std::string> HttpRequest::header(const std::string &lowercase_name) const {
  auto it = headers.find(lowercase_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string percent_decode_path(std::string_view path) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string decoded;
  decoded.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      int high = hex(path[i + 1]);
      int low = hex(path[i + 2]);
      if (high >= 0 && low >= 0) {
        decoded.push_back(static_cast<char>(high << 4 | low));
        i += 2;
        continue;
      }
    }
    decoded.push_back(path[i]);
  }
  return decoded;
}

}  // namespace prefectd
