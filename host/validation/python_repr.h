// Values as Python's repr() prints them inside pydantic's messages.
#pragma once

#include <rapidjson/document.h>

#include <string>

namespace prefectd {

// 0.5 → "0.5", 5.0 → "5.0", 1e-05 → "1e-05".
std::string python_float_repr(double value);
// A JSON scalar as a Python literal: "a" → 'a', 1 → 1, true → True, null → None.
std::string python_repr(const rapidjson::Value &value);

}  // namespace prefectd
