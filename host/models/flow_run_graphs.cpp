#include "flow_run_graphs.h"

#include "database/database_interface.h"
#include "models/run_states.h"
#include "models/task_runs.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>

namespace prefectd {
namespace {

bool flow_run_exists(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement read = session.prepare("SELECT 1 FROM flow_run WHERE id = " + database.queries().placeholder(1));
  read.bind(1, id);
  return read.step();
}

// A node before the edges are resolved: what it is, and the runs its
// task_inputs name.
struct PendingNode {
  GraphNode node;
  std::vector<Uuid> inputs;           // task_inputs entries other than __parents__
  std::vector<Uuid> encapsulated_by;  // __parents__ entries
};

// Every {"id": ...} argument of a task_inputs object, by whether it came
// from "__parents__".
void read_task_inputs(const std::string &task_inputs_json, PendingNode &pending) {
  rapidjson::Document inputs;
  inputs.Parse(task_inputs_json.c_str(), task_inputs_json.size());
  if (inputs.HasParseError() || !inputs.IsObject()) return;
  for (const auto &input : inputs.GetObject()) {
    if (!input.value.IsArray()) continue;
    const bool encapsulating = std::string_view(input.name.GetString()) == "__parents__";
    for (const auto &argument : input.value.GetArray()) {
      if (!argument.IsObject() || !argument.HasMember("id") || !argument["id"].IsString()) continue;
      auto id = Uuid::parse(argument["id"].GetString());
      if (!id) continue;
      (encapsulating ? pending.encapsulated_by : pending.inputs).push_back(*id);
    }
  }
}

std::optional<Timestamp> first_of(std::initializer_list<std::optional<Timestamp>> candidates) {
  for (const auto &candidate : candidates) {
    if (candidate) return candidate;
  }
  return std::nullopt;
}

// Nodes of the run's task runs: a task run that started a subflow run
// stands for that run. Runs with no start or expected start time are left
// out, as Prefect's query does.
std::vector<PendingNode> read_nodes(DatabaseInterface &database, Session &session, const Uuid &flow_run_id) {
  Statement rows = session.prepare(
      "SELECT tr.id, tr.name, tr.state_type, tr.start_time, tr.expected_start_time, tr.end_time, tr.task_inputs, "
      "fr.id, fr.name, f.name, fr.state_type, fr.start_time, fr.expected_start_time, fr.end_time "
      "FROM task_run tr LEFT JOIN flow_run fr ON fr.parent_task_run_id = tr.id "
      "LEFT JOIN flow f ON f.id = fr.flow_id WHERE tr.flow_run_id = " +
      database.queries().placeholder(1));
  rows.bind(1, flow_run_id);
  std::vector<PendingNode> nodes;
  while (rows.step()) {
    const auto task_state = rows.text(2);
    const auto subflow_id = rows.uuid(7);
    const auto subflow_state = rows.text(10);
    auto start = first_of({rows.timestamp(11), rows.timestamp(12), rows.timestamp(3), rows.timestamp(4)});
    if (!start) continue;
    PendingNode pending;
    GraphNode &node = pending.node;
    const auto flow_name = rows.text(9);
    if (subflow_id) {
      node.kind = GraphNode::Kind::FlowRun;
      node.id = *subflow_id;
    } else {
      node.id = *rows.uuid(0);
    }
    node.label = subflow_id && flow_name ? *flow_name + " / " + rows.text(8).value_or("") : rows.text(1).value_or("");
    // A run always has a state once created through the API; Pending
    // stands in for a row written without one.
    const auto state_type = parse_state_type(subflow_state.value_or(task_state.value_or("")));
    node.state_type = state_type.value_or(StateType::Pending);
    node.start_time = *start;
    // A completed task without an end time ends where it was expected to start.
    std::optional<Timestamp> completed_at;
    if (task_state && *task_state == "COMPLETED") completed_at = rows.timestamp(4);
    node.end_time = first_of({rows.timestamp(13), rows.timestamp(5), completed_at});
    read_task_inputs(rows.json(6).value_or("{}"), pending);
    nodes.push_back(std::move(pending));
  }
  return nodes;
}

// `ids` without repeats, ordered by the start time of the nodes they name.
void order_by_start(std::vector<Uuid> &ids, const std::map<Uuid, const GraphNode *> &by_id) {
  auto start_of = [&](const Uuid &id) { return by_id.at(id)->start_time; };
  std::sort(ids.begin(), ids.end(), [&](const Uuid &a, const Uuid &b) {
    return std::make_tuple(start_of(a), a) < std::make_tuple(start_of(b), b);
  });
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

// Resolves each node's inputs against the other nodes: an input naming a
// node is an edge (parent → child); a __parents__ entry naming one
// encapsulates. Inputs naming runs outside the graph are dropped.
void link_nodes(std::vector<PendingNode> &pending) {
  std::map<Uuid, GraphNode *> by_id;
  for (PendingNode &entry : pending) by_id.emplace(entry.node.id, &entry.node);
  for (PendingNode &entry : pending) {
    for (const Uuid &parent : entry.inputs) {
      auto found = by_id.find(parent);
      if (found == by_id.end()) continue;
      entry.node.parents.push_back(parent);
      found->second->children.push_back(entry.node.id);
    }
    for (const Uuid &parent : entry.encapsulated_by) {
      if (by_id.contains(parent)) entry.node.encapsulating.push_back(parent);
    }
  }
  const std::map<Uuid, const GraphNode *> readable(by_id.begin(), by_id.end());
  for (PendingNode &entry : pending) {
    order_by_start(entry.node.parents, readable);
    order_by_start(entry.node.children, readable);
    order_by_start(entry.node.encapsulating, readable);
  }
}

// The run's artifacts other than results, oldest first, by task run (a
// missing task run id: the flow run's own).
std::map<std::optional<Uuid>, std::vector<GraphArtifact>> read_artifacts(DatabaseInterface &database, Session &session,
                                                                         const Uuid &flow_run_id,
                                                                         int64_t max_artifacts) {
  const QueryComponents &q = database.queries();
  // `type <> 'result'` also leaves out artifacts without a type, as Prefect's does.
  Statement rows = session.prepare(
      "SELECT a.id, a.created, a.key, a.type, a.data, a.task_run_id, ac.id FROM artifact a "
      "LEFT JOIN artifact_collection ac ON ac.key = a.key AND ac.latest_id = a.id "
      "WHERE a.flow_run_id = " +
      q.placeholder(1) + " AND a.type <> 'result' ORDER BY a.created LIMIT " + q.placeholder(2));
  rows.bind(1, flow_run_id).bind(2, std::max<int64_t>(max_artifacts, 0));
  std::map<std::optional<Uuid>, std::vector<GraphArtifact>> by_task_run;
  while (rows.step()) {
    GraphArtifact artifact;
    artifact.id = *rows.uuid(0);
    artifact.created = *rows.timestamp(1);
    artifact.key = rows.text(2);
    artifact.type = rows.text(3);
    // Only progress artifacts carry their data into the graph.
    if (artifact.type == "progress") artifact.data_json = rows.json(4);
    artifact.is_latest = !artifact.key || rows.uuid(6).has_value();
    by_task_run[rows.uuid(5)].push_back(std::move(artifact));
  }
  return by_task_run;
}

}  // namespace

std::optional<std::vector<TaskRun>> read_task_run_dependencies(DatabaseInterface &database, Session &session,
                                                               const Uuid &flow_run_id) {
  if (!flow_run_exists(database, session, flow_run_id)) return std::nullopt;
  Statement rows =
      session.prepare(task_run_select() + " WHERE task_run.flow_run_id = " + database.queries().placeholder(1) +
                      " ORDER BY task_run.id DESC");
  rows.bind(1, flow_run_id);
  std::vector<TaskRun> runs;
  while (rows.step()) runs.push_back(task_run_from_row(rows));
  return runs;
}

std::optional<FlowRunGraph> read_flow_run_graph(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                                                Timestamp since, const FlowRunGraphLimits &limits) {
  const QueryComponents &q = database.queries();
  Statement run =
      session.prepare("SELECT start_time, expected_start_time, end_time FROM flow_run WHERE id = " + q.placeholder(1));
  run.bind(1, flow_run_id);
  if (!run.step()) return std::nullopt;
  FlowRunGraph graph;
  graph.start_time = first_of({run.timestamp(0), run.timestamp(1)});
  graph.end_time = run.timestamp(2);

  std::vector<PendingNode> pending = read_nodes(database, session, flow_run_id);
  link_nodes(pending);
  // Nodes that may have changed since `since`: those not yet ended or
  // ended since. Unended nodes sort after ended ones with the same start.
  std::vector<GraphNode> nodes;
  for (PendingNode &entry : pending) {
    if (!entry.node.end_time || *entry.node.end_time >= since) nodes.push_back(std::move(entry.node));
  }
  if (static_cast<int64_t>(nodes.size()) > limits.max_nodes) {
    throw FlowRunGraphTooLarge("The graph of flow run " + flow_run_id.to_string() + " has more than " +
                               std::to_string(limits.max_nodes) + " nodes.");
  }
  std::sort(nodes.begin(), nodes.end(), [](const GraphNode &a, const GraphNode &b) {
    const auto end_key = [](const GraphNode &node) {
      return std::make_tuple(!node.end_time.has_value(), node.end_time.value_or(Timestamp{}));
    };
    return std::make_tuple(a.start_time, end_key(a), a.id) < std::make_tuple(b.start_time, end_key(b), b.id);
  });

  auto artifacts = read_artifacts(database, session, flow_run_id, limits.max_artifacts);
  for (GraphNode &node : nodes) {
    if (node.parents.empty()) graph.root_node_ids.push_back(node.id);
    if (auto found = artifacts.find(node.id); found != artifacts.end()) node.artifacts = found->second;
  }
  if (auto own = artifacts.find(std::nullopt); own != artifacts.end()) graph.artifacts = std::move(own->second);
  graph.nodes = std::move(nodes);

  for (const State &state : read_run_states(database, session, RunKind::Flow, flow_run_id)) {
    graph.states.push_back(GraphState{state.id, state.timestamp, state.type, state.name});
  }
  return graph;
}

}  // namespace prefectd
