// Serialising RapidJSON values to response bodies.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

std::string to_json(const rapidjson::Value &value);
// A JSON string literal for `text`, quotes included.
std::string json_string(std::string_view text);

}  // namespace prefectd
