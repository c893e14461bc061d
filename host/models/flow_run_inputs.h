// The flow_run_input table: key/value inputs sent to a flow run (a paused
// run's resume schema and the values others send it), unique per run and key.
#pragma once

#include "core/uuid.h"
#include "schemas/flow_run_input.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

enum class InputCreation { Created, KeyTaken, RunMissing };

// Stores `input` (its id and times as given) unless the run is missing or
// already has an input of that key.
InputCreation create_flow_run_input(DatabaseInterface &database, Session &session, const FlowRunInput &input);

// The run's inputs whose key starts with `prefix` (`%` and `_` keep their
// LIKE meaning, as in Prefect) and is none of `exclude_keys`, oldest first,
// at most `limit`.
std::vector<FlowRunInput> filter_flow_run_inputs(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                                                 const std::string &prefix, int64_t limit,
                                                 const std::vector<std::string> &exclude_keys);

std::optional<FlowRunInput> read_flow_run_input(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                                                const std::string &key);

// Returns false when the run has no input of that key.
bool delete_flow_run_input(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                           const std::string &key);

}  // namespace prefectd
