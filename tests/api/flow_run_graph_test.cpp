// GET /flow_runs/{id}/graph and /graph-v2 over HTTP on each backend: graphs
// of task runs whose dependencies are known (built through POST /task_runs/
// with task_inputs, subflows through parent_task_run_id), every success
// answer checked against the OpenAPI contract.
#include "core/timestamp.h"
#include "core/uuid.h"
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

constexpr const char *kMissingRun = "7b1f3c0e-0000-4000-8000-000000000000";

std::string task_result(const std::string &id) {
  return R"({"input_type": "task_run", "id": ")" + id + "\"}";
}

// The ids of a list of Edge objects.
std::vector<std::string> edge_ids(const rapidjson::Value &edges) {
  std::vector<std::string> ids;
  for (const auto &edge : edges.GetArray()) ids.emplace_back(edge["id"].GetString());
  return ids;
}

class FlowRunGraphs : public RunApiTest {
 protected:
  void SetUp() override {
    RunApiTest::SetUp();
    if (IsSkipped()) return;
    run_id_ = create_flow_run(create_flow("parent-flow")).json["id"].GetString();
    ASSERT_EQ(set_flow_run_state(run_id_, R"({"type": "RUNNING"})").status, 201);
  }

  std::string task(const std::string &key, const std::string &task_inputs = "{}") {
    JsonAnswer created = create_task_run(run_id_, key, R"("name": ")" + key + R"(", "task_inputs": )" + task_inputs);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json["id"].GetString();
  }

  void complete(const std::string &task_id) {
    EXPECT_EQ(set_task_run_state(task_id, R"({"type": "RUNNING"})").status, 201);
    EXPECT_EQ(set_task_run_state(task_id, R"({"type": "COMPLETED"})").status, 201);
  }

  JsonAnswer graph(const std::string &query = "") {
    return call("GET", "/flow_runs/" + run_id_ + "/graph-v2" + query, "/flow_runs/{id}/graph-v2");
  }

  // Nodes of a Graph answer by id.
  static std::map<std::string, const rapidjson::Value *> nodes_by_id(const rapidjson::Value &graph) {
    std::map<std::string, const rapidjson::Value *> nodes;
    for (const auto &pair : graph["nodes"].GetArray()) nodes[pair[0].GetString()] = &pair[1];
    return nodes;
  }

  static std::vector<std::string> node_order(const rapidjson::Value &graph) {
    std::vector<std::string> ids;
    for (const auto &pair : graph["nodes"].GetArray()) ids.emplace_back(pair[0].GetString());
    return ids;
  }

  std::string run_id_;
};

TEST_P(FlowRunGraphs, MissingRunIsNotFoundInBothVersions) {
  HttpResult v1 = get(std::string("/flow_runs/") + kMissingRun + "/graph");
  EXPECT_EQ(v1.status, 404);
  EXPECT_EQ(v1.body, std::string(R"({"exception_message":"Flow run with id )") + kMissingRun + R"( not found"})");
  HttpResult v2 = get(std::string("/flow_runs/") + kMissingRun + "/graph-v2");
  EXPECT_EQ(v2.status, 404);
  EXPECT_EQ(v2.body, std::string(R"({"exception_message":"Flow run )") + kMissingRun + R"( not found"})");
}

TEST_P(FlowRunGraphs, DependenciesListEachTaskRunWithItsUpstreamTaskRuns) {
  const std::string a = task("a");
  const std::string b = task("b", R"({"x": [)" + task_result(a) + R"(], "y": [{"input_type": "parameter", "name": "p"}],
                                     "z": [)" +
                                      task_result(a) + R"(, {"input_type": "constant", "type": "int"}]})");
  complete(a);
  JsonAnswer answer = call("GET", "/flow_runs/" + run_id_ + "/graph", "/flow_runs/{id}/graph");
  ASSERT_EQ(answer.status, 200) << answer.body;
  ASSERT_EQ(answer.json.Size(), 2u);
  std::map<std::string, const rapidjson::Value *> by_id;
  for (const auto &result : answer.json.GetArray()) by_id[result["id"].GetString()] = &result;
  // Highest id first, Prefect's default task-run order (lowercase ids sort as text).
  EXPECT_GT(std::string(answer.json[0]["id"].GetString()), std::string(answer.json[1]["id"].GetString()));
  const rapidjson::Value &downstream = *by_id.at(b);
  EXPECT_STREQ(downstream["name"].GetString(), "b");
  ASSERT_EQ(downstream["upstream_dependencies"].Size(), 1u);
  EXPECT_STREQ(downstream["upstream_dependencies"][0]["id"].GetString(), a.c_str());
  EXPECT_STREQ(downstream["upstream_dependencies"][0]["input_type"].GetString(), "task_run");
  EXPECT_STREQ(downstream["state"]["type"].GetString(), "PENDING");
  EXPECT_TRUE(downstream["start_time"].IsNull());
  EXPECT_FALSE(downstream["untrackable_result"].GetBool());
  const rapidjson::Value &upstream = *by_id.at(a);
  EXPECT_EQ(upstream["upstream_dependencies"].Size(), 0u);
  EXPECT_STREQ(upstream["state"]["type"].GetString(), "COMPLETED");
  EXPECT_TRUE(upstream["start_time"].IsString());
  EXPECT_TRUE(upstream["end_time"].IsString());
  EXPECT_TRUE(upstream["total_run_time"].IsNumber());
}

TEST_P(FlowRunGraphs, RunWithoutTasksHasAnEmptyGraphWithItsStates) {
  JsonAnswer answer = graph();
  ASSERT_EQ(answer.status, 200) << answer.body;
  JsonAnswer run = read_flow_run(run_id_);
  EXPECT_STREQ(answer.json["start_time"].GetString(), run.json["start_time"].GetString());
  EXPECT_TRUE(answer.json["end_time"].IsNull());
  EXPECT_EQ(answer.json["nodes"].Size(), 0u);
  EXPECT_EQ(answer.json["root_node_ids"].Size(), 0u);
  EXPECT_EQ(answer.json["artifacts"].Size(), 0u);
  ASSERT_EQ(answer.json["states"].Size(), 2u);
  EXPECT_STREQ(answer.json["states"][0]["type"].GetString(), "PENDING");
  EXPECT_STREQ(answer.json["states"][0]["name"].GetString(), "Pending");
  EXPECT_STREQ(answer.json["states"][1]["type"].GetString(), "RUNNING");
  EXPECT_STREQ(answer.json["states"][1]["id"].GetString(), run.json["state_id"].GetString());
}

TEST_P(FlowRunGraphs, UnstartedRunStartsAtItsExpectedStartTime) {
  const std::string pending = create_flow_run(create_flow("later")).json["id"].GetString();
  JsonAnswer answer = call("GET", "/flow_runs/" + pending + "/graph-v2", "/flow_runs/{id}/graph-v2");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_STREQ(answer.json["start_time"].GetString(), read_flow_run(pending).json["expected_start_time"].GetString());
}

// a ─┬─> c ──> [subflow] ──> e
// b ─┘   ⋮
// a ───> d (encapsulated by c)
TEST_P(FlowRunGraphs, NodesLinkTasksAndSubflowsThroughTheirInputs) {
  const std::string a = task("a");
  const std::string b = task("b");
  const std::string c = task("c", R"({"x": [)" + task_result(a) + R"(], "y": [)" + task_result(b) +
                                      R"(], "p": [{"input_type": "parameter", "name": "p"}], "q": []})");
  const std::string d = task("d", R"({"x": [)" + task_result(a) + R"(], "__parents__": [)" + task_result(c) + "]}");
  const std::string wrapper = task("child-flow", R"({"x": [)" + task_result(c) + "]}");
  JsonAnswer subflow =
      create_flow_run(create_flow("child-flow"), R"("name": "nested", "parent_task_run_id": ")" + wrapper + "\"");
  ASSERT_EQ(subflow.status, 201) << subflow.body;
  const std::string sub = subflow.json["id"].GetString();
  const std::string e = task("e", R"({"x": [{"input_type": "flow_run", "id": ")" + sub + R"("}]})");

  JsonAnswer answer = graph();
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(node_order(answer.json), (std::vector<std::string>{a, b, c, d, sub, e}));
  std::vector<std::string> roots;
  for (const auto &id : answer.json["root_node_ids"].GetArray()) roots.emplace_back(id.GetString());
  EXPECT_EQ(roots, (std::vector<std::string>{a, b}));

  auto nodes = nodes_by_id(answer.json);
  const rapidjson::Value &node_a = *nodes.at(a);
  EXPECT_STREQ(node_a["kind"].GetString(), "task-run");
  EXPECT_STREQ(node_a["label"].GetString(), "a");
  EXPECT_STREQ(node_a["state_type"].GetString(), "PENDING");
  EXPECT_TRUE(node_a["end_time"].IsNull());
  EXPECT_EQ(edge_ids(node_a["children"]), (std::vector<std::string>{c, d}));
  EXPECT_EQ(edge_ids((*nodes.at(c))["parents"]), (std::vector<std::string>{a, b}));
  EXPECT_EQ(edge_ids((*nodes.at(c))["children"]), (std::vector<std::string>{sub}));
  EXPECT_EQ(edge_ids((*nodes.at(c))["encapsulating"]), (std::vector<std::string>{}));
  EXPECT_EQ(edge_ids((*nodes.at(d))["parents"]), (std::vector<std::string>{a}));
  EXPECT_EQ(edge_ids((*nodes.at(d))["encapsulating"]), (std::vector<std::string>{c}));

  const rapidjson::Value &node_sub = *nodes.at(sub);
  EXPECT_STREQ(node_sub["kind"].GetString(), "flow-run");
  EXPECT_STREQ(node_sub["label"].GetString(), "child-flow / nested");
  EXPECT_STREQ(node_sub["start_time"].GetString(), subflow.json["expected_start_time"].GetString());
  EXPECT_EQ(edge_ids(node_sub["parents"]), (std::vector<std::string>{c}));
  EXPECT_EQ(edge_ids(node_sub["children"]), (std::vector<std::string>{e}));
  EXPECT_EQ(nodes.count(wrapper), 0u) << "the wrapper task is drawn as its subflow";
  EXPECT_EQ(edge_ids((*nodes.at(e))["parents"]), (std::vector<std::string>{sub}));
}

TEST_P(FlowRunGraphs, ArgumentRepeatedAcrossInputsIsOneEdge) {
  const std::string a = task("a", R"({"first": [], "second": []})");
  const std::string b = task("b", R"({"x": [)" + task_result(a) + R"(], "y": [)" + task_result(a) + "]}");
  JsonAnswer answer = graph();
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto nodes = nodes_by_id(answer.json);
  EXPECT_EQ(edge_ids((*nodes.at(b))["parents"]), (std::vector<std::string>{a}));
  EXPECT_EQ(edge_ids((*nodes.at(a))["children"]), (std::vector<std::string>{b}));
}

TEST_P(FlowRunGraphs, SinceLeavesOutNodesThatEndedBefore) {
  const std::string done = task("done");
  complete(done);
  JsonAnswer before = graph();
  ASSERT_EQ(before.status, 200) << before.body;
  auto nodes = nodes_by_id(before.json);
  EXPECT_STREQ((*nodes.at(done))["state_type"].GetString(), "COMPLETED");
  EXPECT_TRUE((*nodes.at(done))["end_time"].IsString());
  const std::string since = Timestamp::now().plus_seconds(0.001).to_iso8601();
  const std::string open = task("open", R"({"x": [)" + task_result(done) + "]}");

  JsonAnswer after = graph("?since=" + since);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(node_order(after.json), (std::vector<std::string>{open}));
  // Its parent is outside this increment but still named.
  EXPECT_EQ(edge_ids((*nodes_by_id(after.json).at(open))["parents"]), (std::vector<std::string>{done}));
  EXPECT_EQ(after.json["root_node_ids"].Size(), 0u);

  JsonAnswer all = graph("?since=2000-01-01T00:00:00Z");
  EXPECT_EQ(node_order(all.json), (std::vector<std::string>{done, open}));
}

TEST_P(FlowRunGraphs, SinceMustBeADatetime) {
  JsonAnswer answer = graph("?since=yesterday");
  EXPECT_EQ(answer.status, 422) << answer.body;
}

TEST_P(FlowRunGraphs, ArtifactsGoToTheirTaskOrToTheRun) {
  const std::string a = task("a");
  {
    auto database = scratch_->open();
    Session session = database->session();
    const QueryComponents &q = database->queries();
    const Uuid older = Uuid::v4(), latest = Uuid::v4(), progress = Uuid::v4(), result = Uuid::v4();
    const Uuid run = *Uuid::parse(run_id_), task_run = *Uuid::parse(a);
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    struct Row {
      Uuid id;
      std::optional<std::string> key;
      std::string type;
      std::string data;
      std::optional<Uuid> task_run_id;
    };
    const Timestamp now = Timestamp::now();
    const std::vector<Row> rows{{older, "report", "markdown", R"("# old")", task_run},
                                {latest, "report", "markdown", R"("# new")", task_run},
                                {progress, std::nullopt, "progress", "42.5", std::nullopt},
                                {result, std::nullopt, "result", "{}", task_run}};
    for (size_t i = 0; i < rows.size(); ++i) {
      Statement insert = session.prepare(
          "INSERT INTO artifact (id, created, updated, key, type, data, flow_run_id, task_run_id) VALUES (" +
          q.placeholder_list(1, 8) + ")");
      insert.bind(1, rows[i].id).bind(2, Timestamp(now.micros() + static_cast<int64_t>(i)));
      insert.bind(3, now).bind(4, rows[i].key).bind(5, rows[i].type).bind_json(6, rows[i].data);
      insert.bind(7, run).bind(8, rows[i].task_run_id);
      insert.execute();
    }
    Statement collection =
        session.prepare("INSERT INTO artifact_collection (id, created, updated, key, latest_id) VALUES (" +
                        q.placeholder_list(1, 5) + ")");
    collection.bind(1, Uuid::v4()).bind(2, now).bind(3, now).bind(4, "report").bind(5, latest);
    collection.execute();
    transaction.commit();

    JsonAnswer answer = graph();
    ASSERT_EQ(answer.status, 200) << answer.body;
    const rapidjson::Value &task_artifacts = (*nodes_by_id(answer.json).at(a))["artifacts"];
    ASSERT_EQ(task_artifacts.Size(), 2u) << answer.body;
    EXPECT_STREQ(task_artifacts[0]["id"].GetString(), older.to_string().c_str());
    EXPECT_FALSE(task_artifacts[0]["is_latest"].GetBool());
    EXPECT_STREQ(task_artifacts[1]["id"].GetString(), latest.to_string().c_str());
    EXPECT_TRUE(task_artifacts[1]["is_latest"].GetBool());
    EXPECT_STREQ(task_artifacts[1]["key"].GetString(), "report");
    EXPECT_STREQ(task_artifacts[1]["type"].GetString(), "markdown");
    EXPECT_TRUE(task_artifacts[1]["data"].IsNull()) << "only progress artifacts carry data";
    const rapidjson::Value &own = answer.json["artifacts"];
    ASSERT_EQ(own.Size(), 1u);
    EXPECT_STREQ(own[0]["id"].GetString(), progress.to_string().c_str());
    EXPECT_TRUE(own[0]["key"].IsNull());
    EXPECT_TRUE(own[0]["is_latest"].GetBool());
    EXPECT_DOUBLE_EQ(own[0]["data"].GetDouble(), 42.5);
  }
}

TEST_P(FlowRunGraphs, GraphsAboveTheNodeLimitAreRefused) {
  for (const char *key : {"a", "b", "c"}) task(key);
  server_.reset();
  start({{"PREFECT_API_MAX_FLOW_RUN_GRAPH_NODES", "2"}});
  HttpResult refused = get("/flow_runs/" + run_id_ + "/graph-v2");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.body, R"({"detail":"The graph of flow run )" + run_id_ + R"( has more than 2 nodes."})");
  server_.reset();
  start({{"PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES", "3"}});
  EXPECT_EQ(graph().json["nodes"].Size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, FlowRunGraphs, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
