#include "python_repr.h"

#include "api/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace prefectd {

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  // C++ writes 5 and 1e+16 where Python writes 5.0 and 1e+16; Python
  // switches to exponents at 1e16 and below 1e-4.
  const double magnitude = std::fabs(value);
  if (magnitude != 0 && (magnitude >= 1e16 || magnitude < 1e-4)) {
    // Shortest exponent form that round-trips.
    for (int precision = 1; precision <= 17; ++precision) {
      std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, value);
      if (std::strtod(buffer, nullptr) == value) break;
    }
    text = buffer;
    size_t e = text.find('e');
    std::string mantissa = text.substr(0, e);
    if (mantissa.find('.') != std::string::npos) {
      while (mantissa.ends_with('0')) mantissa.pop_back();
      if (mantissa.ends_with('.')) mantissa.pop_back();
    }
    std::string exponent = text.substr(e + 1);
    char sign = exponent[0];
    exponent = exponent.substr(1);
    while (exponent.size() > 2 && exponent[0] == '0') exponent.erase(0, 1);
    return mantissa + "e" + sign + exponent;
  }
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string python_repr(const rapidjson::Value &value) {
  if (value.IsString()) {
    std::string text(value.GetString(), value.GetStringLength());
    // Python prefers single quotes unless the text holds one and no double quote.
    const bool double_quoted = text.find('\'') != std::string::npos && text.find('"') == std::string::npos;
    const char quote = double_quoted ? '"' : '\'';
    std::string out(1, quote);
    for (char c : text) {
      if (c == '\\' || c == quote) out.push_back('\\');
      out.push_back(c);
    }
    out.push_back(quote);
    return out;
  }
  if (value.IsBool()) return value.GetBool() ? "True" : "False";
  if (value.IsNull()) return "None";
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsUint64()) return std::to_string(value.GetUint64());
  if (value.IsDouble()) return python_float_repr(value.GetDouble());
  return to_json(value);
}

}  // namespace prefectd
