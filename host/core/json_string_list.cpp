#include "json_string_list.h"

#include <rapidjson/document.h>

namespace prefectd {

std::vector<std::string> json_string_list(std::string_view json) {
  rapidjson::Document list;
  list.Parse(json.data(), json.size());
  std::vector<std::string> strings;
  if (list.HasParseError() || !list.IsArray()) return strings;
  for (const auto &item : list.GetArray()) {
    if (item.IsString()) strings.emplace_back(item.GetString(), item.GetStringLength());
  }
  return strings;
}

}  // namespace prefectd
