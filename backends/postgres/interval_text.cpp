#include "interval_text.h"

#include <cstdio>

namespace prefectd::postgres {
namespace {

// Wide enough to detect int64 overflow while summing components.
__extension__ typedef __int128 Wide;

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
constexpr int64_t kMicrosPerMonth = 30 * kMicrosPerDay;
// 365.25 days, as PostgreSQL's DAYS_PER_YEAR.
constexpr int64_t kMicrosPerYear = 36525 * kMicrosPerDay / 100;

// Accumulates signed components with overflow checks.
class Total {
 public:
  bool add(Wide micros) {
    total_ += micros;
    return total_ >= INT64_MIN && total_ <= INT64_MAX;
  }
  int64_t value() const { return static_cast<int64_t>(total_); }

 private:
  Wide total_ = 0;
};

// A decimal number with an optional sign and fraction, as microseconds of
// `unit` (the fraction kept to the microsecond, exact for seconds).
struct Cursor {
  std::string_view text;
  size_t pos = 0;

  bool done() const { return pos >= text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  void skip_spaces() {
    while (peek() == ' ') ++pos;
  }
  // [+-]digits[.digits] scaled by `unit_micros`; false on malformed input or
  // overflow.
  bool number(int64_t unit_micros, Wide &micros) {
    bool negative = false;
    if (accept('-')) {
      negative = true;
    } else {
      accept('+');
    }
    Wide whole = 0;
    size_t digits = 0;
    while (peek() >= '0' && peek() <= '9') {
      whole = whole * 10 + (peek() - '0');
      if (whole > static_cast<Wide>(INT64_MAX)) return false;
      ++pos;
      ++digits;
    }
    Wide fraction_micros = 0;
    if (accept('.')) {
      // Fraction of the unit, kept to 1e-9 of the unit before scaling.
      Wide scale = 100'000'000;
      Wide nanos_of_unit = 0;
      while (peek() >= '0' && peek() <= '9') {
        nanos_of_unit += (peek() - '0') * scale;
        scale /= 10;
        ++pos;
        ++digits;
      }
      fraction_micros = nanos_of_unit * unit_micros / 1'000'000'000;
    }
    if (digits == 0) return false;
    micros = whole * unit_micros + fraction_micros;
    if (negative) micros = -micros;
    return true;
  }
};

std::optional<int64_t> parse_iso8601(std::string_view text) {
  Cursor cursor{text, 1};  // past 'P'
  Total total;
  bool in_time = false;
  bool any = false;
  while (!cursor.done()) {
    if (cursor.accept('T')) {
      if (in_time) return std::nullopt;
      in_time = true;
      continue;
    }
    // Read the number once per candidate unit: scale after seeing the unit.
    const size_t start = cursor.pos;
    Wide probe = 0;
    if (!cursor.number(1, probe)) return std::nullopt;
    const char unit = cursor.peek();
    int64_t unit_micros = 0;
    if (!in_time && unit == 'Y')
      unit_micros = kMicrosPerYear;
    else if (!in_time && unit == 'M')
      unit_micros = kMicrosPerMonth;
    else if (!in_time && unit == 'W')
      unit_micros = 7 * kMicrosPerDay;
    else if (!in_time && unit == 'D')
      unit_micros = kMicrosPerDay;
    else if (in_time && unit == 'H')
      unit_micros = kMicrosPerHour;
    else if (in_time && unit == 'M')
      unit_micros = kMicrosPerMinute;
    else if (in_time && unit == 'S')
      unit_micros = kMicrosPerSecond;
    else
      return std::nullopt;
    cursor.pos = start;
    Wide micros = 0;
    if (!cursor.number(unit_micros, micros) || !total.add(micros)) return std::nullopt;
    ++cursor.pos;  // the unit letter
    any = true;
  }
  if (!any) return std::nullopt;
  return total.value();
}

// "[-]N year[s] [-]N mon[s] [-]N day[s] [+-]HH:MM:SS[.f]", any part optional.
std::optional<int64_t> parse_postgres_style(std::string_view text) {
  Cursor cursor{text, 0};
  Total total;
  bool any = false;
  while (true) {
    cursor.skip_spaces();
    if (cursor.done()) break;
    const size_t start = cursor.pos;
    Wide whole = 0;
    if (!cursor.number(1, whole)) return std::nullopt;
    if (cursor.peek() == ':') {
      // A time: sign, hours, minutes, seconds with fraction.
      cursor.pos = start;
      const bool negative = cursor.peek() == '-';
      if (negative || cursor.peek() == '+') ++cursor.pos;
      Wide hours = 0, minutes = 0, seconds = 0;
      if (!cursor.number(kMicrosPerHour, hours) || !cursor.accept(':') || !cursor.number(kMicrosPerMinute, minutes)) {
        return std::nullopt;
      }
      if (cursor.accept(':') && !cursor.number(kMicrosPerSecond, seconds)) return std::nullopt;
      const Wide micros = hours + minutes + seconds;
      if (!total.add(negative ? -micros : micros)) return std::nullopt;
      any = true;
      continue;
    }
    cursor.skip_spaces();
    const size_t unit_start = cursor.pos;
    while (cursor.peek() >= 'a' && cursor.peek() <= 'z') ++cursor.pos;
    const std::string_view unit = text.substr(unit_start, cursor.pos - unit_start);
    int64_t unit_micros = 0;
    if (unit == "year" || unit == "years")
      unit_micros = kMicrosPerYear;
    else if (unit == "mon" || unit == "mons")
      unit_micros = kMicrosPerMonth;
    else if (unit == "day" || unit == "days")
      unit_micros = kMicrosPerDay;
    else
      return std::nullopt;
    cursor.pos = start;
    Wide micros = 0;
    if (!cursor.number(unit_micros, micros) || !total.add(micros)) return std::nullopt;
    cursor.pos = unit_start + unit.size();
    any = true;
  }
  if (!any) return std::nullopt;
  return total.value();
}

}  // namespace

std::string format_interval(int64_t micros) {
  const bool negative = micros < 0;
  // Unsigned magnitude: -INT64_MIN does not fit in int64_t.
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s%llu.%06llu seconds", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / kMicrosPerSecond),
                static_cast<unsigned long long>(magnitude % kMicrosPerSecond));
  return buffer;
}

std::optional<int64_t> parse_interval(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == 'P') return parse_iso8601(text);
  return parse_postgres_style(text);
}

}  // namespace prefectd::postgres
