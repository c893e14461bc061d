// A five-field cron expression (minute hour day-of-month month
// day-of-week), as croniter reads the common forms: `*` and `?`, values,
// ranges, steps, lists, month and weekday names, 7 for Sunday, and the
// @hourly ... @yearly macros. Evaluated in UTC.
#pragma once

#include "core/timestamp.h"

#include <bitset>
#include <optional>
#include <string>

namespace prefectd {

class CronExpression {
 public:
  // nullopt when `text` is not such an expression.
  static std::optional<CronExpression> parse(const std::string &text, bool day_or = true);

  // The first minute at or after `from` that the expression names; nullopt
  // when there is none within `horizon_days`.
  std::optional<Timestamp> next_at_or_after(Timestamp from, int horizon_days = 366 * 5) const;

 private:
  bool matches_day(int day_of_month, int month, int day_of_week) const;

  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;
  std::bitset<13> months_;
  std::bitset<7> days_of_week_;
  bool any_day_of_month_ = true;
  bool any_day_of_week_ = true;
  bool day_or_ = true;
};

}  // namespace prefectd
