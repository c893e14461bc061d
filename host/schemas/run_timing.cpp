#include "run_timing.h"

namespace prefectd {

int64_t estimated_run_time_micros(std::optional<StateType> state_type, std::optional<Timestamp> state_timestamp,
                                  int64_t total_run_time_micros, Timestamp now) {
  if (state_type == StateType::Running && state_timestamp) {
    return total_run_time_micros + std::max<int64_t>(0, now.micros() - state_timestamp->micros());
  }
  return total_run_time_micros;
}

int64_t estimated_start_time_delta_micros(std::optional<StateType> state_type,
                                          std::optional<Timestamp> expected_start_time,
                                          std::optional<Timestamp> start_time, Timestamp now) {
  if (!expected_start_time) return 0;
  if (start_time) return std::max<int64_t>(0, start_time->micros() - expected_start_time->micros());
  const bool final = state_type && is_final(*state_type);
  if (!final && *expected_start_time < now) return now.micros() - expected_start_time->micros();
  return 0;
}

}  // namespace prefectd
