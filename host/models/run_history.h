// What the history and lateness routes compute over filtered runs
// (filters.md §6): runs per time interval and state, and the mean lateness.
#pragma once

#include "core/timestamp.h"
#include "filters/filter_set.h"
#include "orchestration/orchestration_run.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct HistoryStateCount {
  std::string state_type;
  std::string state_name;
  int64_t count_runs = 0;
  double sum_estimated_run_time = 0;  // seconds, positive values only
  double sum_estimated_lateness = 0;  // seconds, positive values only
};

struct HistoryInterval {
  Timestamp interval_start;
  Timestamp interval_end;
  std::vector<HistoryStateCount> states;  // empty when no run falls in the interval
};

// Intervals of `interval_seconds` (≥ 1, the caller's check) from `start`
// while before `end`, at most 500, each with the runs that pass `filters`
// grouped by state, a run counting in the interval that holds its
// expected_start_time. Estimates are taken at `now`.
std::vector<HistoryInterval> run_history(DatabaseInterface &database, Session &session, RunKind kind,
                                         const FilterSet &filters, Timestamp start, Timestamp end,
                                         double interval_seconds, Timestamp now);

// The mean estimated_start_time_delta of the flow runs passing `filters`,
// in seconds; nullopt when none does.
std::optional<double> average_flow_run_lateness(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                                Timestamp now);

}  // namespace prefectd
