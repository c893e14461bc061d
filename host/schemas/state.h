// A run's state as Prefect shapes it: type, name, timestamp, message,
// state_details and data (objects.md §4).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

enum class StateType { Scheduled, Pending, Running, Completed, Failed, Cancelled, Crashed, Paused, Cancelling };

// "SCHEDULED", ... as the API and both databases spell them.
std::string_view to_string(StateType type);
std::optional<StateType> parse_state_type(std::string_view text);
// COMPLETED, FAILED, CANCELLED, CRASHED.
bool is_final(StateType type);
// "Scheduled", "Cancelling", ...: what a state without a name is called.
std::string default_state_name(StateType type);

struct StateDetails {
  std::optional<Uuid> flow_run_id;
  std::optional<Uuid> task_run_id;
  std::optional<Uuid> child_flow_run_id;
  std::optional<Timestamp> scheduled_time;
  std::optional<std::string> cache_key;
  std::optional<Timestamp> cache_expiration;
  std::optional<bool> deferred = false;
  bool untrackable_result = false;
  std::optional<Timestamp> pause_timeout;
  bool pause_reschedule = false;
  std::optional<std::string> pause_key;
  std::optional<std::string> run_input_keyset_json;  // an object of strings, as JSON text
  std::optional<bool> refresh_cache;
  std::optional<bool> retriable;
  std::optional<Uuid> transition_id;
  std::optional<Uuid> task_parameters_id;
  std::optional<std::string> traceparent;
  std::optional<Uuid> deployment_concurrency_lease_id;
};

struct State {
  Uuid id;
  StateType type = StateType::Pending;
  std::string name;
  Timestamp timestamp;
  std::optional<std::string> message;
  std::optional<std::string> data_json;  // any JSON; nullopt for null
  StateDetails details;

  // data is an object whose "type" is not "unpersisted" (a result that was
  // persisted somewhere, which orchestration protects from being lost).
  bool has_persisted_data() const;
};

// A StateCreate body (already validated against the contract) as a new
// state: a fresh UUIDv7 id, `now` as its timestamp, the default name for
// its type when none is given, and scheduled_time = now for a SCHEDULED
// state without one.
State state_from_create(const rapidjson::Value &state_create, Timestamp now);

// The State response object (with "id", "type", ... "state_details").
void write_state(const State &state, rapidjson::Value &out, rapidjson::Document::AllocatorType &allocator);
std::string to_json(const State &state);

// state_details as stored in the state tables' JSON column: every field,
// as Prefect's model dump writes it.
std::string state_details_to_json(const StateDetails &details);
StateDetails state_details_from_json(std::string_view stored);

}  // namespace prefectd
