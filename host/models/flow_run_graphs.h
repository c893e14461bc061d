// Reading a flow run's graphs: its task runs with their dependencies
// (version 1) and the graph of task and subflow runs the UI draws
// (version 2, Prefect's flow_run_graph_v2 query).
#pragma once

#include "schemas/flow_run_graph.h"
#include "schemas/task_run.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

// The run's task runs, newest id first (Prefect's default task-run sort);
// nullopt when there is no such flow run.
std::optional<std::vector<TaskRun>> read_task_run_dependencies(DatabaseInterface &database, Session &session,
                                                               const Uuid &flow_run_id);

// Thrown when a graph has more nodes than allowed; the message is Prefect's.
class FlowRunGraphTooLarge : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FlowRunGraphLimits {
  int64_t max_nodes = 10000;
  int64_t max_artifacts = 10000;
};

// The graph of the run's task runs (a task run that started a subflow is
// that subflow run's node), edges from task_inputs (`__parents__` entries
// encapsulate rather than link), keeping nodes that have not ended before
// `since`, ordered by start then end time. nullopt when there is no such
// flow run.
std::optional<FlowRunGraph> read_flow_run_graph(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                                                Timestamp since, const FlowRunGraphLimits &limits);

}  // namespace prefectd
