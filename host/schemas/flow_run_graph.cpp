#include "flow_run_graph.h"

#include "api/json_writer.h"
#include "json_fields.h"
#include "run_timing.h"

#include <algorithm>

namespace prefectd {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

rapidjson::Value edges_json(const std::vector<Uuid> &ids, Allocator &allocator) {
  rapidjson::Value edges(rapidjson::kArrayType);
  for (const Uuid &id : ids) {
    rapidjson::Value edge;
    JsonFields(edge, allocator).uuid("id", id);
    edges.PushBack(edge, allocator);
  }
  return edges;
}

rapidjson::Value artifacts_json(const std::vector<GraphArtifact> &artifacts, Allocator &allocator) {
  rapidjson::Value list(rapidjson::kArrayType);
  for (const GraphArtifact &artifact : artifacts) {
    rapidjson::Value item;
    JsonFields(item, allocator)
        .uuid("id", artifact.id)
        .timestamp("created", artifact.created)
        .string("key", artifact.key)
        .string("type", artifact.type)
        .boolean("is_latest", artifact.is_latest)
        .stored_json("data", artifact.data_json);
    list.PushBack(item, allocator);
  }
  return list;
}

rapidjson::Value node_json(const GraphNode &node, Allocator &allocator) {
  rapidjson::Value object;
  JsonFields fields(object, allocator);
  fields.string("kind", node.kind == GraphNode::Kind::FlowRun ? "flow-run" : "task-run")
      .uuid("id", node.id)
      .string("label", node.label)
      .string("state_type", to_string(node.state_type))
      .timestamp("start_time", node.start_time)
      .timestamp("end_time", node.end_time);
  rapidjson::Value parents = edges_json(node.parents, allocator);
  rapidjson::Value children = edges_json(node.children, allocator);
  rapidjson::Value encapsulating = edges_json(node.encapsulating, allocator);
  rapidjson::Value artifacts = artifacts_json(node.artifacts, allocator);
  fields.value("parents", parents)
      .value("children", children)
      .value("encapsulating", encapsulating)
      .value("artifacts", artifacts);
  return object;
}

}  // namespace

std::string to_json(const FlowRunGraph &graph) {
  rapidjson::Document document;
  Allocator &allocator = document.GetAllocator();
  JsonFields fields(document, allocator);
  fields.timestamp("start_time", graph.start_time).timestamp("end_time", graph.end_time);
  rapidjson::Value roots(rapidjson::kArrayType);
  for (const Uuid &id : graph.root_node_ids)
    roots.PushBack(rapidjson::Value(id.to_string().c_str(), allocator), allocator);
  // Each node as Prefect's (id, Node) tuple.
  rapidjson::Value nodes(rapidjson::kArrayType);
  for (const GraphNode &node : graph.nodes) {
    rapidjson::Value pair(rapidjson::kArrayType);
    pair.PushBack(rapidjson::Value(node.id.to_string().c_str(), allocator), allocator);
    pair.PushBack(node_json(node, allocator), allocator);
    nodes.PushBack(pair, allocator);
  }
  rapidjson::Value artifacts = artifacts_json(graph.artifacts, allocator);
  rapidjson::Value states(rapidjson::kArrayType);
  for (const GraphState &state : graph.states) {
    rapidjson::Value item;
    JsonFields(item, allocator)
        .uuid("id", state.id)
        .timestamp("timestamp", state.timestamp)
        .string("type", to_string(state.type))
        .string("name", state.name);
    states.PushBack(item, allocator);
  }
  fields.value("root_node_ids", roots).value("nodes", nodes).value("artifacts", artifacts).value("states", states);
  return prefectd::to_json(static_cast<const rapidjson::Value &>(document));
}

std::string dependency_results_json(const std::vector<TaskRun> &task_runs, Timestamp now) {
  rapidjson::Document document(rapidjson::kArrayType);
  Allocator &allocator = document.GetAllocator();
  for (const TaskRun &run : task_runs) {
    rapidjson::Value item;
    JsonFields fields(item, allocator);
    fields.uuid("id", run.id).string("name", run.name);
    rapidjson::Value upstream(rapidjson::kArrayType);
    rapidjson::Document inputs;
    inputs.Parse(run.task_inputs_json.c_str(), run.task_inputs_json.size());
    std::vector<std::string> seen;
    if (!inputs.HasParseError() && inputs.IsObject()) {
      for (const auto &input : inputs.GetObject()) {
        if (!input.value.IsArray()) continue;
        for (const auto &argument : input.value.GetArray()) {
          // Only task-run results: DependencyResult lists TaskRunResult
          // alone, and Prefect's own answer fails (500) on a parameter,
          // constant or flow-run input rather than listing it.
          if (!argument.IsObject() || !argument.HasMember("input_type") || !argument["input_type"].IsString() ||
              std::string_view(argument["input_type"].GetString()) != "task_run" || !argument.HasMember("id") ||
              !argument["id"].IsString()) {
            continue;
          }
          const std::string id = argument["id"].GetString();
          // Prefect collects them in a set: each upstream run once.
          if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
          seen.push_back(id);
          rapidjson::Value dependency;
          JsonFields(dependency, allocator).string("input_type", "task_run").string("id", id);
          upstream.PushBack(dependency, allocator);
        }
      }
    }
    fields.value("upstream_dependencies", upstream);
    rapidjson::Value state;
    if (run.state) write_state(*run.state, state, allocator);
    fields.value("state", state)
        .timestamp("expected_start_time", run.expected_start_time)
        .timestamp("start_time", run.start_time)
        .timestamp("end_time", run.end_time)
        .seconds("total_run_time", run.total_run_time_micros)
        .seconds("estimated_run_time",
                 estimated_run_time_micros(run.state_type, run.state_timestamp, run.total_run_time_micros, now))
        .boolean("untrackable_result", run.state && run.state->details.untrackable_result);
    document.PushBack(item, allocator);
  }
  return prefectd::to_json(static_cast<const rapidjson::Value &>(document));
}

}  // namespace prefectd
