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

}  // namespace prefectd
