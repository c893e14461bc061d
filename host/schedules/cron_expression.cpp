#include "cron_expression.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <map>
#include <sstream>
#include <vector>

namespace prefectd {
namespace {

constexpr int64_t kMicrosPerMinute = 60'000'000;

const std::map<std::string, std::string> &macros() {
  static const std::map<std::string, std::string> table = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
      {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"}};
  return table;
}

std::optional<int> parse_value(std::string text, const std::vector<std::string> &names, int first_named) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  for (size_t i = 0; i < names.size(); ++i) {
    if (text == names[i]) return first_named + static_cast<int>(i);
  }
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  return std::stoi(text);
}

// One field into `allowed` (bits low..high). False when it does not parse.
// `wraps_to_zero` maps `high` onto 0 (7 for Sunday).
template <size_t N>
bool parse_field(const std::string &field, int low, int high, const std::vector<std::string> &names, int first_named,
                 std::bitset<N> &allowed, bool &any, int alias_of_zero = -1) {
  any = field == "*" || field == "?";
  std::stringstream parts(field);
  std::string part;
  while (std::getline(parts, part, ',')) {
    int step = 1;
    if (auto slash = part.find('/'); slash != std::string::npos) {
      auto parsed_step = parse_value(part.substr(slash + 1), {}, 0);
      if (!parsed_step || *parsed_step <= 0) return false;
      step = *parsed_step;
      part = part.substr(0, slash);
      if (part.find('-') == std::string::npos && part != "*" && part != "?") part += "-" + std::to_string(high);
    }
    int from = low;
    int to = high;
    if (part != "*" && part != "?") {
      const auto dash = part.find('-');
      auto first = parse_value(part.substr(0, dash), names, first_named);
      auto last = dash == std::string::npos ? first : parse_value(part.substr(dash + 1), names, first_named);
      if (!first || !last) return false;
      from = *first;
      to = *last;
    }
    const int upper = alias_of_zero >= 0 ? alias_of_zero : high;
    if (from < low || to > upper || from > to) return false;
    for (int value = from; value <= to; value += step)
      allowed.set(static_cast<size_t>(value == alias_of_zero ? 0 : value));
  }
  return allowed.any();
}

}  // namespace

std::optional<CronExpression> CronExpression::parse(const std::string &text, bool day_or) {
  std::string expression = text;
  if (auto macro = macros().find(text); macro != macros().end()) expression = macro->second;
  std::stringstream words(expression);
  std::vector<std::string> fields;
  for (std::string field; words >> field;) fields.push_back(field);
  if (fields.size() != 5) return std::nullopt;
  static const std::vector<std::string> months = {"jan", "feb", "mar", "apr", "may", "jun",
                                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  static const std::vector<std::string> weekdays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  CronExpression cron;
  cron.day_or_ = day_or;
  bool ignored = false;
  if (!parse_field(fields[0], 0, 59, {}, 0, cron.minutes_, ignored) ||
      !parse_field(fields[1], 0, 23, {}, 0, cron.hours_, ignored) ||
      !parse_field(fields[2], 1, 31, {}, 0, cron.days_of_month_, cron.any_day_of_month_) ||
      !parse_field(fields[3], 1, 12, months, 1, cron.months_, ignored) ||
      !parse_field(fields[4], 0, 6, weekdays, 0, cron.days_of_week_, cron.any_day_of_week_, 7)) {
    return std::nullopt;
  }
  return cron;
}

bool CronExpression::matches_day(int day_of_month, int month, int day_of_week) const {
  if (!months_.test(static_cast<size_t>(month))) return false;
  const bool dom = days_of_month_.test(static_cast<size_t>(day_of_month));
  const bool dow = days_of_week_.test(static_cast<size_t>(day_of_week));
  if (any_day_of_month_) return dow;
  if (any_day_of_week_) return dom;
  return day_or_ ? dom || dow : dom && dow;
}

std::optional<Timestamp> CronExpression::next_at_or_after(Timestamp from, int horizon_days) const {
  using namespace std::chrono;
  // Whole minutes: a time inside a minute waits for the next one.
  const int64_t first_minute = (from.micros() + kMicrosPerMinute - 1) / kMicrosPerMinute;
  const sys_days start_day = floor<days>(sys_time<minutes>(minutes(first_minute)));
  for (int offset = 0; offset <= horizon_days; ++offset) {
    const sys_days day = start_day + days(offset);
    const year_month_day date(day);
    const weekday week_day(day);
    if (!matches_day(static_cast<int>(static_cast<unsigned>(date.day())),
                     static_cast<int>(static_cast<unsigned>(date.month())), static_cast<int>(week_day.c_encoding()))) {
      continue;
    }
    for (int hour = 0; hour < 24; ++hour) {
      if (!hours_.test(static_cast<size_t>(hour))) continue;
      for (int minute = 0; minute < 60; ++minute) {
        if (!minutes_.test(static_cast<size_t>(minute))) continue;
        const int64_t at = duration_cast<minutes>((day + hours(hour) + minutes(minute)).time_since_epoch()).count();
        if (at >= first_minute) return Timestamp(at * kMicrosPerMinute);
      }
    }
  }
  return std::nullopt;
}

}  // namespace prefectd
