// A flow run or task run as orchestration sees it: the fields the rules
// read and the bookkeeping transforms write. The database adapter maps its
// rows to this struct before orchestration and writes it back afterwards.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"
#include "orchestration/run_policy.h"
#include "schemas/state.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prefectd {

enum class RunKind { Flow, Task };

struct OrchestrationRun {
  RunKind kind = RunKind::Flow;
  Uuid id;

  // Flow runs.
  std::optional<Uuid> parent_task_run_id;  // set for subflows
  std::optional<Uuid> deployment_id;
  std::optional<std::string> infrastructure_pid;
  FlowRunPolicy flow_policy;  // written back by orchestration (resuming, pause_keys, retry_type)

  // Task runs.
  std::optional<Uuid> flow_run_id;  // null for background tasks
  std::string task_key;
  std::vector<std::string> tags;  // tag concurrency reads them
  int64_t flow_run_run_count = 0;
  TaskRunPolicy task_policy;  // read only

  // Both.
  int64_t run_count = 0;
  std::optional<Timestamp> start_time;
  std::optional<Timestamp> end_time;
  int64_t total_run_time_micros = 0;  // accumulated time in RUNNING, in microseconds
  std::optional<Timestamp> expected_start_time;
  std::optional<Timestamp> next_scheduled_start_time;

  // The current state, with its data resolved from the result artifact.
  // On input it is the initial state of the transition; after
  // orchestration it is the state that was written (if one was).
  std::optional<State> state;
  // Denormalised columns, set by the SetRunState* transforms.
  std::optional<StateType> state_type;
  std::optional<std::string> state_name;
  std::optional<Timestamp> state_timestamp;
};

}  // namespace prefectd
