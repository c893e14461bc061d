// A task run row and its TaskRun shape (objects.md §3).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"
#include "state.h"

#include <cstdint>
#include <optional>
#include <string>

namespace prefectd {

struct TaskRun {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  std::optional<Uuid> flow_run_id;
  std::string task_key;
  std::string dynamic_key;
  std::optional<std::string> cache_key;
  std::optional<Timestamp> cache_expiration;
  std::optional<std::string> task_version;
  std::string empirical_policy_json = "{}";
  std::string tags_json = "[]";
  std::optional<std::string> labels_json;
  std::optional<Uuid> state_id;
  std::string task_inputs_json = "{}";
  std::optional<StateType> state_type;
  std::optional<std::string> state_name;
  std::optional<Timestamp> state_timestamp;
  int64_t run_count = 0;
  int64_t flow_run_run_count = 0;
  std::optional<Timestamp> expected_start_time;
  std::optional<Timestamp> next_scheduled_start_time;
  std::optional<Timestamp> start_time;
  std::optional<Timestamp> end_time;
  int64_t total_run_time_micros = 0;
  std::optional<State> state;
};

void write_task_run(const TaskRun &run, Timestamp now, rapidjson::Value &out,
                    rapidjson::Document::AllocatorType &allocator);
std::string to_json(const TaskRun &run, Timestamp now);

}  // namespace prefectd
