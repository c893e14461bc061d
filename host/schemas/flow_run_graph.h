// The flow run graphs the UI draws: Graph (version 2: nodes of task and
// subflow runs with their edges, artifacts and the run's states) and
// DependencyResult (version 1: each task run with its upstream task runs).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"
#include "schemas/state.h"
#include "schemas/task_run.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace prefectd {

struct GraphArtifact {
  Uuid id;
  Timestamp created;
  std::optional<std::string> key;
  std::optional<std::string> type;
  bool is_latest = false;
  std::optional<std::string> data_json;  // progress artifacts only; null otherwise
};

struct GraphState {
  Uuid id;
  Timestamp timestamp;
  StateType type = StateType::Pending;
  std::string name;
};

struct GraphNode {
  enum class Kind { FlowRun, TaskRun } kind = Kind::TaskRun;
  Uuid id;
  std::string label;
  StateType state_type = StateType::Pending;
  Timestamp start_time;
  std::optional<Timestamp> end_time;
  std::vector<Uuid> parents;
  std::vector<Uuid> children;
  std::vector<Uuid> encapsulating;
  std::vector<GraphArtifact> artifacts;
};

struct FlowRunGraph {
  std::optional<Timestamp> start_time;
  std::optional<Timestamp> end_time;
  std::vector<Uuid> root_node_ids;
  std::vector<GraphNode> nodes;
  std::vector<GraphArtifact> artifacts;  // the run's own, not any task's
  std::vector<GraphState> states;
};

std::string to_json(const FlowRunGraph &graph);

// The version-1 graph: one DependencyResult per task run, `now` for the
// estimated run time of running ones.
std::string dependency_results_json(const std::vector<TaskRun> &task_runs, Timestamp now);

}  // namespace prefectd
