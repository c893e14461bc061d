#include "schedule_dates.h"

#include "cron_expression.h"

#include <cmath>

namespace prefectd {
namespace {

constexpr double kMicrosPerSecond = 1e6;

bool is_utc(const rapidjson::Value &schedule) {
  auto timezone = schedule.FindMember("timezone");
  if (timezone == schedule.MemberEnd() || timezone->value.IsNull()) return true;
  if (!timezone->value.IsString()) return false;
  const std::string zone = timezone->value.GetString();
  return zone == "UTC" || zone == "Etc/UTC" || zone == "GMT" || zone == "Etc/GMT" || zone == "Z";
}

template <typename Next>
std::vector<Timestamp> collect(Timestamp start, const ScheduleHorizon &horizon, Next next) {
  const Timestamp last_allowed = start.plus_seconds(horizon.max_seconds);
  const Timestamp far_enough = start.plus_seconds(horizon.min_seconds);
  std::vector<Timestamp> dates;
  std::optional<Timestamp> date = next(start);
  while (date && static_cast<int64_t>(dates.size()) < horizon.max_runs && *date <= last_allowed) {
    dates.push_back(*date);
    if (static_cast<int64_t>(dates.size()) >= horizon.min_runs && *date >= far_enough) break;
    date = next(Timestamp(date->micros() + 1));
  }
  return dates;
}

}  // namespace

std::optional<std::vector<Timestamp>> schedule_dates(const rapidjson::Value &schedule, Timestamp start,
                                                     const ScheduleHorizon &horizon, std::string &why) {
  if (!schedule.IsObject()) {
    why = "the schedule is not an object";
    return std::nullopt;
  }
  if (auto interval = schedule.FindMember("interval"); interval != schedule.MemberEnd() && interval->value.IsNumber()) {
    const auto step = static_cast<int64_t>(std::llround(interval->value.GetDouble() * kMicrosPerSecond));
    Timestamp anchor = start;
    if (auto found = schedule.FindMember("anchor_date"); found != schedule.MemberEnd() && found->value.IsString()) {
      anchor = Timestamp::parse(found->value.GetString()).value_or(start);
    }
    if (step <= 0) {
      why = "the interval is not positive";
      return std::nullopt;
    }
    // Intervals step in absolute time; Prefect keeps the wall-clock time of
    // day-long intervals across DST changes in the schedule's zone.
    return collect(start, horizon, [&](Timestamp from) -> std::optional<Timestamp> {
      const int64_t behind = from.micros() - anchor.micros();
      const int64_t steps = behind <= 0 ? 0 : (behind + step - 1) / step;
      return Timestamp(anchor.micros() + steps * step);
    });
  }
  if (auto cron = schedule.FindMember("cron"); cron != schedule.MemberEnd() && cron->value.IsString()) {
    if (!is_utc(schedule)) {
      why = "cron schedules are evaluated in UTC only";
      return std::nullopt;
    }
    auto day_or = schedule.FindMember("day_or");
    auto expression = CronExpression::parse(
        cron->value.GetString(), day_or == schedule.MemberEnd() || !day_or->value.IsBool() || day_or->value.GetBool());
    if (!expression) {
      why = std::string("cannot read the cron expression \"") + cron->value.GetString() + "\"";
      return std::nullopt;
    }
    return collect(start, horizon, [&](Timestamp from) { return expression->next_at_or_after(from); });
  }
  why = "RRule schedules are not evaluated";
  return std::nullopt;
}

}  // namespace prefectd
