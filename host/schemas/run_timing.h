// The timing fields flow runs and task runs answer with alike, from
// expected_start_time to estimated_start_time_delta, with the two that are
// computed at read time (objects.md §2.1).
#pragma once

#include "json_fields.h"
#include "state.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace prefectd {

// Time spent running so far: total_run_time, plus the time since the state
// began while RUNNING.
int64_t estimated_run_time_micros(std::optional<StateType> state_type, std::optional<Timestamp> state_timestamp,
                                  int64_t total_run_time_micros, Timestamp now);
// How late the run started (or is, if it has not).
int64_t estimated_start_time_delta_micros(std::optional<StateType> state_type,
                                          std::optional<Timestamp> expected_start_time,
                                          std::optional<Timestamp> start_time, Timestamp now);

// "RUNNING", or nothing for a run without a state.
inline std::optional<std::string> state_type_text(std::optional<StateType> type) {
  return type ? std::optional<std::string>(to_string(*type)) : std::nullopt;
}

template <class Run>
void write_run_timing(JsonFields &fields, const Run &run, Timestamp now) {
  fields.timestamp("expected_start_time", run.expected_start_time)
      .timestamp("next_scheduled_start_time", run.next_scheduled_start_time)
      .timestamp("start_time", run.start_time)
      .timestamp("end_time", run.end_time)
      .seconds("total_run_time", run.total_run_time_micros)
      .seconds("estimated_run_time",
               estimated_run_time_micros(run.state_type, run.state_timestamp, run.total_run_time_micros, now))
      .seconds("estimated_start_time_delta",
               estimated_start_time_delta_micros(run.state_type, run.expected_start_time, run.start_time, now));
}

}  // namespace prefectd
