#include "datetime_input.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace prefectd {
namespace {

constexpr double kMillisecondsThreshold = 2e10;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::optional<double> number_text(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  for (char c : text) {
    if (!(is_digit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) return std::nullopt;
  }
  std::string copy(text);
  char *end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

std::optional<Timestamp> from_unix(double timestamp) {
  if (std::fabs(timestamp) > kMillisecondsThreshold) timestamp /= 1000;
  // speedate's range: years 0000 to 9999.
  if (timestamp < -62167219200.0 || timestamp > 253402300799.0) return std::nullopt;
  return Timestamp(static_cast<int64_t>(std::llround(timestamp * 1e6)));
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// speedate's Date::parse_bytes_rfc3339 failure for `text`, or "" when its
// first ten characters are a valid date and nothing follows.
std::string date_error(std::string_view text) {
  if (text.size() < 10) return "input is too short";
  for (size_t i = 0; i < 4; ++i) {
    if (!is_digit(text[i])) return "invalid character in year";
  }
  if (text[4] != '-') return "invalid date separator, expected `-`";
  if (!is_digit(text[5]) || !is_digit(text[6])) return "invalid character in month";
  if (text[7] != '-') return "invalid date separator, expected `-`";
  if (!is_digit(text[8]) || !is_digit(text[9])) return "invalid character in day";
  const int year = std::atoi(std::string(text.substr(0, 4)).c_str());
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  const int day = (text[8] - '0') * 10 + (text[9] - '0');
  if (month < 1 || month > 12) return "month value is outside expected range of 1-12";
  if (day < 1 || day > days_in_month(year, month)) return "day value is outside expected range";
  if (text.size() > 10) return "unexpected extra characters at the end of the input";
  return "";
}

TemporalReading datetime_type() {
  return {std::nullopt, std::nullopt, "datetime_type", "Input should be a valid datetime"};
}

}  // namespace

TemporalReading read_datetime(const rapidjson::Value &input) {
  if (input.IsBool()) return datetime_type();
  if (input.IsNumber()) {
    if (auto value = from_unix(input.GetDouble())) return {std::nullopt, value, {}, {}};
    return {std::nullopt, std::nullopt, "datetime_parsing",
            "Input should be a valid datetime, dates after 9999 are not supported as unix timestamps"};
  }
  if (!input.IsString()) return datetime_type();
  std::string_view text(input.GetString(), input.GetStringLength());
  if (auto number = number_text(text)) {
    if (auto value = from_unix(*number)) return {std::nullopt, value, {}, {}};
  }
  std::string error = date_error(text);
  if (error.empty() || text.size() > 10) {
    // The date part is sound: whatever the rest is decides.
    if (error.empty() || error.starts_with("unexpected extra")) {
      if (auto value = Timestamp::parse(text)) return {std::nullopt, value, {}, {}};
    }
  }
  if (error.empty()) error = "input is too short";
  return {std::nullopt, std::nullopt, "datetime_from_date_parsing",
          "Input should be a valid datetime or date, " + error};
}

TemporalReading read_duration(const rapidjson::Value &input) {
  const TemporalReading type_error{std::nullopt, std::nullopt, "time_delta_type", "Input should be a valid timedelta"};
  if (input.IsBool()) return type_error;
  if (input.IsNumber()) return {input.GetDouble(), std::nullopt, {}, {}};
  if (!input.IsString()) return type_error;
  std::string_view text(input.GetString(), input.GetStringLength());
  if (auto number = number_text(text)) return {*number, std::nullopt, {}, {}};
  const TemporalReading parse_error{std::nullopt, std::nullopt, "time_delta_parsing",
                                    "Input should be a valid timedelta, invalid digit in duration"};
  double sign = 1;
  if (text.starts_with('-') || text.starts_with('+')) {
    sign = text[0] == '-' ? -1 : 1;
    text.remove_prefix(1);
  }
  if (!text.starts_with('P') && !text.starts_with('p')) return parse_error;
  text.remove_prefix(1);
  double seconds = 0;
  bool in_time = false;
  bool any = false;
  while (!text.empty()) {
    if (text[0] == 'T' || text[0] == 't') {
      in_time = true;
      text.remove_prefix(1);
      continue;
    }
    size_t length = 0;
    while (length < text.size() && (is_digit(text[length]) || text[length] == '.')) ++length;
    if (length == 0 || length == text.size()) return parse_error;
    const double quantity = std::strtod(std::string(text.substr(0, length)).c_str(), nullptr);
    const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[length])));
    double scale = 0;
    if (!in_time && unit == 'Y') scale = 365 * 86400.0;
    if (!in_time && unit == 'M') scale = 30 * 86400.0;
    if (!in_time && unit == 'W') scale = 7 * 86400.0;
    if (!in_time && unit == 'D') scale = 86400.0;
    if (in_time && unit == 'H') scale = 3600.0;
    if (in_time && unit == 'M') scale = 60.0;
    if (in_time && unit == 'S') scale = 1.0;
    if (scale == 0) return parse_error;
    seconds += quantity * scale;
    any = true;
    text.remove_prefix(length + 1);
  }
  if (!any) return parse_error;
  return {sign * seconds, std::nullopt, {}, {}};
}

}  // namespace prefectd
