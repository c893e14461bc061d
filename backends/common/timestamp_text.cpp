#include "timestamp_text.h"

#include <charconv>
#include <cstdio>

namespace prefectd::backend {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

struct CivilDate {
  int64_t year;
  unsigned month;
  unsigned day;
};

CivilDate civil_from_days(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(year_of_era) + era * 400 + (month <= 2), month, day};
}

// Reads exactly `width` digits at `pos`.
bool read_fixed(std::string_view text, size_t &pos, size_t width, int &value) {
  if (pos + width > text.size()) return false;
  for (size_t i = 0; i < width; ++i) {
    if (text[pos + i] < '0' || text[pos + i] > '9') return false;
  }
  std::from_chars(text.data() + pos, text.data() + pos + width, value);
  pos += width;
  return true;
}

bool expect(std::string_view text, size_t &pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::string format_timestamp_micros(int64_t micros) {
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t fraction = micros % kMicrosPerSecond;
  if (fraction < 0) {
    fraction += kMicrosPerSecond;
    --seconds;
  }
  int64_t days = seconds / kSecondsPerDay;
  int64_t second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  const CivilDate date = civil_from_days(days);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02u %02lld:%02lld:%02lld.%06lld",
                static_cast<long long>(date.year), date.month, date.day, static_cast<long long>(second_of_day / 3600),
                static_cast<long long>(second_of_day / 60 % 60), static_cast<long long>(second_of_day % 60),
                static_cast<long long>(fraction));
  return buffer;
}

std::optional<int64_t> parse_timestamp_micros(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_fixed(text, pos, 4, year) || !expect(text, pos, '-') || !read_fixed(text, pos, 2, month) ||
      !expect(text, pos, '-') || !read_fixed(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  int64_t fraction_micros = 0;
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != ' ' && text[pos] != 'T' && text[pos] != 't') return std::nullopt;
    ++pos;
    if (!read_fixed(text, pos, 2, hour) || !expect(text, pos, ':') || !read_fixed(text, pos, 2, minute)) {
      return std::nullopt;
    }
    if (expect(text, pos, ':') && !read_fixed(text, pos, 2, second)) return std::nullopt;
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (expect(text, pos, '.')) {
      size_t digits = 0;
      int64_t scale = 100'000;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits < 6) {
          fraction_micros += (text[pos] - '0') * scale;
          scale /= 10;
        }
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
    }
    if (pos < text.size()) {
      char sign = text[pos];
      if (sign == 'Z' || sign == 'z') {
        ++pos;
      } else if (sign == '+' || sign == '-') {
        ++pos;
        int offset_hours = 0, offset_minutes = 0;
        if (!read_fixed(text, pos, 2, offset_hours)) return std::nullopt;
        if (expect(text, pos, ':')) {
          if (!read_fixed(text, pos, 2, offset_minutes)) return std::nullopt;
        } else if (pos < text.size()) {
          if (!read_fixed(text, pos, 2, offset_minutes)) return std::nullopt;
        }
        offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (sign == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
  }
  if (pos != text.size()) return std::nullopt;
  const int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * kMicrosPerSecond + fraction_micros;
}

}  // namespace prefectd::backend
