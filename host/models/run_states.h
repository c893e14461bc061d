// The state tables of flow runs and task runs: one shape, two tables.
#pragma once

#include "orchestration/orchestration_run.h"
#include "schemas/state.h"

#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

// Inserts `state` for the run. A `data` that is not an unpersisted result
// goes to a result artifact and `state.data_json` becomes the artifact's
// data; an unpersisted marker is left in `state` for this answer only.
void insert_run_state(DatabaseInterface &database, Session &session, RunKind kind, const Uuid &run_id, State &state);
// `state`, after insert_run_state, as a later read answers it: without an
// unpersisted marker.
void drop_unkept_data(State &state);
std::optional<State> read_run_state(DatabaseInterface &database, Session &session, RunKind kind, const Uuid &state_id);
// Oldest first.
std::vector<State> read_run_states(DatabaseInterface &database, Session &session, RunKind kind, const Uuid &run_id);
// Whether the run already has a state at exactly `timestamp` (the state
// tables are unique on run and timestamp).
bool run_state_timestamp_taken(DatabaseInterface &database, Session &session, RunKind kind, const Uuid &run_id,
                               Timestamp timestamp);

// The SELECT list and join that read a state with its result data, for
// other models that load a run together with its current state: columns
// 0..7 of `state_columns(alias)` are what `state_from_columns` reads.
std::string state_columns(const char *state_alias, const char *artifact_alias);
std::string state_join(RunKind kind, const char *state_alias, const char *artifact_alias, const char *state_id_column);
class Statement;
std::optional<State> state_from_columns(const Statement &row, int first_column);
constexpr int kStateColumnCount = 8;

}  // namespace prefectd
