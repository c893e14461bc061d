// A flow run row and its FlowRunResponse shape (objects.md §2).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"
#include "state.h"

#include <cstdint>
#include <optional>
#include <string>

namespace prefectd {

struct FlowRun {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  Uuid flow_id;
  std::optional<Uuid> state_id;
  std::optional<Uuid> deployment_id;
  std::optional<std::string> deployment_version;
  std::optional<Uuid> work_queue_id;
  std::optional<std::string> work_queue_name;
  std::optional<std::string> flow_version;
  std::string parameters_json = "{}";
  std::optional<std::string> idempotency_key;
  std::string context_json = "{}";
  std::string empirical_policy_json = "{}";
  std::string tags_json = "[]";
  std::optional<std::string> labels_json;
  std::optional<Uuid> parent_task_run_id;
  std::optional<StateType> state_type;
  std::optional<std::string> state_name;
  std::optional<Timestamp> state_timestamp;
  int64_t run_count = 0;
  std::optional<Timestamp> expected_start_time;
  std::optional<Timestamp> next_scheduled_start_time;
  std::optional<Timestamp> start_time;
  std::optional<Timestamp> end_time;
  int64_t total_run_time_micros = 0;
  bool auto_scheduled = false;
  std::optional<Uuid> infrastructure_document_id;
  std::optional<std::string> infrastructure_pid;
  std::optional<std::string> created_by_json;
  std::optional<std::string> job_variables_json;
  // Read through the work queue, never stored on the run.
  std::optional<Uuid> work_pool_id;
  std::optional<std::string> work_pool_name;
  // The current state, with its data resolved from the result artifact.
  std::optional<State> state;
};

// FlowRunResponse; `now` computes estimated_run_time and the lateness.
void write_flow_run(const FlowRun &run, Timestamp now, rapidjson::Value &out,
                    rapidjson::Document::AllocatorType &allocator);
std::string to_json(const FlowRun &run, Timestamp now);
// FlowRun, the shape a worker's poll answers: no work pool members and no
// state, which Prefect does not load for it.
void write_worker_flow_run(const FlowRun &run, Timestamp now, rapidjson::Value &out,
                           rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
