// What orchestration answers: status, details and the state to return
// (objects.md §4 OrchestrationResult).
#pragma once

#include "schemas/state.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

enum class SetStateStatus { Accept, Reject, Wait, Abort };
std::string_view to_string(SetStateStatus status);  // "ACCEPT", ...

// {"type":"accept_details"} / reject_details / wait_details / abort_details:
// the type follows the status that produced it, except that resume's
// run_input problems answer REJECT with abort details (api-surface.md).
struct StateResponseDetails {
  SetStateStatus kind = SetStateStatus::Accept;
  std::optional<std::string> reason;  // not for accept
  int64_t delay_seconds = 0;          // wait only

  static StateResponseDetails accept() { return {}; }
  static StateResponseDetails reject(std::string reason);
  static StateResponseDetails wait(int64_t delay_seconds, std::string reason);
  static StateResponseDetails abort(std::string reason);
};

struct OrchestrationResult {
  SetStateStatus status = SetStateStatus::Accept;
  StateResponseDetails details;
  // The state written by this orchestration, or the run's current state
  // when nothing was written (null for a run that has none).
  std::optional<State> state;
  // A new state row was inserted: the route answers 201, else 200.
  bool state_written = false;
};

// {"state": State|null, "status": ..., "details": {...}} in schema order.
void write_orchestration_result(const OrchestrationResult &result, rapidjson::Value &out,
                                rapidjson::Document::AllocatorType &allocator);
std::string to_json(const OrchestrationResult &result);

}  // namespace prefectd
