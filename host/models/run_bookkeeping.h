// The columns orchestration keeps right on both run tables (the current
// state, counts and times), written back the same way for flow runs and
// task runs.
#pragma once

#include "database/query_components.h"
#include "database/statement.h"
#include "schemas/run_timing.h"

#include <string>

namespace prefectd {

// "state_id = <p>, state_type = <p+1>, ..., total_run_time = <p+9>", with
// placeholders numbered from `first`.
std::string run_bookkeeping_assignments(const QueryComponents &queries, int first);
inline constexpr int kRunBookkeepingColumns = 10;

// Binds what run_bookkeeping_assignments(queries, first) names.
template <class Run>
void bind_run_bookkeeping(Statement &statement, int first, const Run &run) {
  statement.bind(first, run.state_id)
      .bind(first + 1, state_type_text(run.state_type))
      .bind(first + 2, run.state_name)
      .bind(first + 3, run.state_timestamp)
      .bind(first + 4, run.run_count)
      .bind(first + 5, run.expected_start_time)
      .bind(first + 6, run.next_scheduled_start_time)
      .bind(first + 7, run.start_time)
      .bind(first + 8, run.end_time)
      .bind_interval(first + 9, run.total_run_time_micros);
}

}  // namespace prefectd
