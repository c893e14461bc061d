// A run's empirical_policy as orchestration reads and writes it
// (objects.md §2.3 FlowRunPolicy, §3 TaskRunPolicy).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

struct FlowRunPolicy {
  int64_t max_retries = 0;         // deprecated; copied into retries when that is unset
  double retry_delay_seconds = 0;  // deprecated; copied into retry_delay likewise
  std::optional<int64_t> retries;
  std::optional<int64_t> retry_delay;   // seconds
  std::vector<std::string> pause_keys;  // a set: no duplicates, insertion order kept
  bool resuming = false;
  std::optional<std::string> retry_type;  // "in_process" | "reschedule" | null
};

// retry_delay is a number or a list of numbers; orchestration only reads it.
struct TaskRunPolicy {
  std::optional<int64_t> retries;
  std::optional<double> retry_delay;                // a single delay
  std::optional<std::vector<double>> retry_delays;  // or a list (at most one of the two is set)
  std::optional<double> retry_jitter_factor;
};

// From the stored (or client-sent) empirical_policy object; missing keys
// take their defaults and the deprecated fields are folded in as Prefect's
// validator does. Malformed text gives the defaults.
FlowRunPolicy flow_run_policy_from_json(std::string_view json);
// The stored form: every key, Python json.dumps text, in model order.
std::string flow_run_policy_to_json(const FlowRunPolicy &policy);

TaskRunPolicy task_run_policy_from_json(std::string_view json);

}  // namespace prefectd
