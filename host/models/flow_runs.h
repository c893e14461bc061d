// The flow_run table: insert (idempotent per flow and key), read with its
// current state and work pool, partial updates, orchestration's write-back
// and delete.
#pragma once

#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "schemas/flow_run.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

// Inserts `run` with every column it keeps, its orchestration bookkeeping
// (state type, name and times) included, but not state_id: the state row
// and the run row each refer to the other, so the state is linked once it
// is written (link_flow_run_state). Returns false, inserting nothing, when
// the flow already has a run with `run`'s idempotency key.
bool insert_flow_run(DatabaseInterface &database, Session &session, const FlowRun &run);
void link_flow_run_state(DatabaseInterface &database, Session &session, const Uuid &run_id, const Uuid &state_id);

// The run of `flow_id` created with `idempotency_key`, if any.
std::optional<Uuid> flow_run_with_idempotency_key(DatabaseInterface &database, Session &session, const Uuid &flow_id,
                                                  const std::string &idempotency_key);

// `for_update` locks the row until the transaction ends (PostgreSQL; SQLite
// write transactions already exclude other writers).
std::optional<FlowRun> read_flow_run(DatabaseInterface &database, Session &session, const Uuid &id,
                                     bool for_update = false);

// One column and its new value for a partial update.
struct ColumnUpdate {
  enum class Kind { Text, Json, Uuid } kind;
  std::string column;
  std::optional<std::string> value;  // nullopt writes NULL
};
// Returns false when there is no such run. `updated` is always refreshed.
bool update_flow_run_columns(DatabaseInterface &database, Session &session, const Uuid &id,
                             const std::vector<ColumnUpdate> &updates);

// Writes back what orchestration changed of what it maintains (the state
// columns, times, counts and the empirical policy) from `before` to `after`.
void save_orchestrated_flow_run(DatabaseInterface &database, Session &session, const FlowRun &before,
                                const FlowRun &after);

// The read every flow-run query shares (FlowRun with its state, work queue
// and pool), in pieces: SELECT flow_run_columns() FROM flow_run
// flow_run_joins() WHERE ..., rows read with flow_run_from_row. The run
// table is named by its own name, "flow_run", as FilteredQuery names it;
// the joins use the aliases wq, wp, st and sa.
std::string flow_run_columns();
std::string flow_run_joins();
// The whole SELECT ... FROM ... joins, to append " WHERE ..." to.
std::string flow_run_select();
class Statement;
FlowRun flow_run_from_row(const Statement &row);

// Flow runs matching `filters` (flows, flow_runs, task_runs, deployments,
// work_pools, work_queues), ordered by the FlowRunSort value `sort`.
std::vector<FlowRun> read_flow_runs(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                    std::string_view sort, const Page &page);
int64_t count_flow_runs(DatabaseInterface &database, Session &session, const FilterSet &filters);
// Deletes those of `ids` that exist and returns them.
std::vector<Uuid> delete_flow_runs(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids);

bool delete_flow_run(DatabaseInterface &database, Session &session, const Uuid &id);

}  // namespace prefectd
