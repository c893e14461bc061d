// The dates a deployment schedule (objects.md §6.1) names from a moment
// on, as the scheduler service generates runs for them.
#pragma once

#include "core/timestamp.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prefectd {

struct ScheduleHorizon {
  int64_t min_runs = 3;
  int64_t max_runs = 100;
  double min_seconds = 3600;         // dates reach at least this far ahead...
  double max_seconds = 100 * 86400;  // ...and none beyond this
};

// The schedule's dates at or after `start`: up to `max_runs`, none past
// start + max_seconds, stopping once there are `min_runs` and the last is
// at least min_seconds ahead. nullopt for a schedule prefectd cannot
// evaluate (an RRule, a cron expression in a time zone other than UTC, or
// one it cannot parse), with the reason in `why`.
std::optional<std::vector<Timestamp>> schedule_dates(const rapidjson::Value &schedule, Timestamp start,
                                                     const ScheduleHorizon &horizon, std::string &why);

}  // namespace prefectd
