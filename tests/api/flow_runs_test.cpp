// /flow_runs CRUD, its states and logs over HTTP on each backend, every
// answer checked against the OpenAPI contract.
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <zlib.h>

#include <regex>
#include <set>
#include <utility>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

class FlowRuns : public RunApiTest {};

constexpr const char *kMissingRun = "7b1f3c0e-0000-4000-8000-000000000000";

TEST_P(FlowRuns, CreateStartsPendingWith201) {
  const std::string flow_id = create_flow();
  JsonAnswer run = create_flow_run(flow_id, R"("parameters": {"x": 1}, "tags": ["a"], "labels": {"team": "data"})");
  ASSERT_EQ(run.status, 201) << run.body;
  const rapidjson::Document &json = run.json;
  EXPECT_STREQ(json["flow_id"].GetString(), flow_id.c_str());
  EXPECT_TRUE(std::regex_match(json["name"].GetString(), std::regex("[a-z]+-[a-z]+"))) << json["name"].GetString();
  EXPECT_STREQ(json["state_type"].GetString(), "PENDING");
  EXPECT_STREQ(json["state_name"].GetString(), "Pending");
  EXPECT_STREQ(json["state"]["type"].GetString(), "PENDING");
  EXPECT_STREQ(json["state"]["id"].GetString(), json["state_id"].GetString());
  EXPECT_STREQ(json["state"]["state_details"]["flow_run_id"].GetString(), json["id"].GetString());
  EXPECT_TRUE(json["expected_start_time"].IsString());
  EXPECT_TRUE(json["start_time"].IsNull());
  EXPECT_EQ(json["run_count"].GetInt(), 0);
  EXPECT_EQ(json["parameters"]["x"].GetInt(), 1);
  EXPECT_STREQ(json["labels"]["prefect.flow.id"].GetString(), flow_id.c_str());
  EXPECT_STREQ(json["labels"]["team"].GetString(), "data");
  EXPECT_TRUE(json["empirical_policy"]["pause_keys"].IsArray());
  EXPECT_FALSE(json["empirical_policy"]["resuming"].GetBool());
  JsonAnswer read = read_flow_run(json["id"].GetString());
  EXPECT_EQ(read.status, 200);
  EXPECT_STREQ(read.json["state"]["id"].GetString(), json["state_id"].GetString());
}

TEST_P(FlowRuns, IdempotencyKeyReturnsTheExistingRunWith200) {
  const std::string flow_id = create_flow();
  JsonAnswer first = create_flow_run(flow_id, R"("idempotency_key": "nightly-1", "name": "first")");
  ASSERT_EQ(first.status, 201) << first.body;
  JsonAnswer again = create_flow_run(flow_id, R"("idempotency_key": "nightly-1", "name": "second")");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_STREQ(again.json["id"].GetString(), first.json["id"].GetString());
  EXPECT_STREQ(again.json["name"].GetString(), "first");
  EXPECT_EQ(create_flow_run(flow_id, R"("idempotency_key": "nightly-2")").status, 201);
}

// A create's answer is built from what it wrote, not read back: it must
// say what a read of the run says, for every kind of first state.
TEST_P(FlowRuns, CreateAnswersWhatAReadOfTheRunAnswers) {
  {
    auto database = scratch_->open();
    Session session = database->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    const Uuid pool = Uuid::v4(), queue = Uuid::v4(), other_queue = Uuid::v4();
    const std::string p = database->queries().placeholder_list(1, 3);
    session.prepare("INSERT INTO work_pool (id, name, type) VALUES (" + p + ")")
        .bind(1, pool)
        .bind(2, "pool")
        .bind(3, "process")
        .execute();
    for (const auto &[id, name] : {std::pair{queue, "default"}, std::pair{other_queue, "gpu"}}) {
      session.prepare("INSERT INTO work_queue (id, name, work_pool_id) VALUES (" + p + ")")
          .bind(1, id)
          .bind(2, name)
          .bind(3, pool)
          .execute();
    }
    session.prepare("UPDATE work_pool SET default_queue_id = " + database->queries().placeholder(1))
        .bind(1, queue)
        .execute();
    transaction.commit();
  }
  const std::string flow_id = create_flow();
  const std::vector<std::string> bodies = {
      "",
      R"("name": "n", "parameters": {"x": [1, {"y": null}], "a": "b"}, "tags": ["a", "b"], "labels": {"team": "d"},
         "context": {"k": "v"}, "flow_version": "1.2", "job_variables": {"cpu": 2}, "idempotency_key": "k-1",
         "empirical_policy": {"retries": 3, "retry_delay": 10})",
      R"("state": {"type": "SCHEDULED", "name": "Later", "message": "why",
                   "state_details": {"scheduled_time": "2030-01-02T03:04:05.123456Z", "cache_key": "c"},
                   "data": {"type": "reference", "storage_key": "/r/1", "serializer": "json"}})",
      R"("state": {"type": "RUNNING"}, "work_pool_name": "pool", "work_queue_name": "gpu")",
      R"("state": {"type": "COMPLETED", "data": {"type": "unpersisted"}}, "work_pool_name": "pool")",
      R"("state": {"type": "CANCELLING"})",
  };
  for (const std::string &body : bodies) {
    SCOPED_TRACE(body);
    JsonAnswer created = create_flow_run(flow_id, body);
    ASSERT_EQ(created.status, 201) << created.body;
    JsonAnswer read = read_flow_run(created.json["id"].GetString());
    ASSERT_EQ(read.status, 200) << read.body;
    expect_same_run(read.json, created.json);
  }
  JsonAnswer running = create_flow_run(flow_id, R"("state": {"type": "RUNNING"}, "work_pool_name": "pool")");
  EXPECT_STREQ(running.json["work_pool_name"].GetString(), "pool");
  EXPECT_EQ(running.json["run_count"].GetInt(), 1);
  EXPECT_TRUE(running.json["start_time"].IsString());
}

// Creates racing on one idempotency key make one run, and orchestrate its
// first state once: the parent task run of a subflow gets one mirrored
// state, not one per request.
TEST_P(FlowRuns, RacingCreatesWithOneIdempotencyKeyMakeOneRunAndOneParentState) {
  const std::string parent_run = create_flow_run(create_flow("parent")).json["id"].GetString();
  ASSERT_EQ(set_flow_run_state(parent_run, R"({"type": "RUNNING"})").status, 201);
  const std::string parent_task = create_task_run(parent_run, "child-flow").json["id"].GetString();
  const std::string flow_id = create_flow("child");
  const std::string body =
      R"({"flow_id": ")" + flow_id + R"(", "idempotency_key": "once", "parent_task_run_id": ")" + parent_task + R"("})";
  std::set<std::string> ids;
  int created = 0;
  for (const HttpResult &result : send_together(12, "POST", "/flow_runs/", body)) {
    ASSERT_TRUE(result.status == 201 || result.status == 200) << result.status << " " << result.body;
    created += result.status == 201 ? 1 : 0;
    ids.insert(parse_json(result.body)["id"].GetString());
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  JsonAnswer runs =
      call("POST", "/flow_runs/filter", "/flow_runs/filter", R"({"flows": {"id": {"any_": [")" + flow_id + R"("]}}})");
  EXPECT_EQ(runs.json.Size(), 1u);
  JsonAnswer parent_states = call("GET", "/task_run_states/?task_run_id=" + parent_task, "/task_run_states/");
  EXPECT_EQ(parent_states.json.Size(), 2u) << "its own PENDING and the subflow's mirrored one: " << parent_states.body;
}

TEST_P(FlowRuns, ScheduledInitialStateSetsTheScheduleFields) {
  const std::string flow_id = create_flow();
  JsonAnswer run = create_flow_run(
      flow_id, R"("state": {"type": "SCHEDULED", "state_details": {"scheduled_time": "2030-01-02T03:04:05Z"}})");
  ASSERT_EQ(run.status, 201) << run.body;
  EXPECT_STREQ(run.json["state_name"].GetString(), "Scheduled");
  EXPECT_STREQ(run.json["next_scheduled_start_time"].GetString(), "2030-01-02T03:04:05Z");
  EXPECT_STREQ(run.json["expected_start_time"].GetString(), "2030-01-02T03:04:05Z");
}

TEST_P(FlowRuns, UnknownFlowIsAConflict) {
  HttpResult result = send("POST", "/flow_runs/", std::string(R"({"flow_id": ")") + kMissingRun + "\"}");
  EXPECT_EQ(result.status, 409) << result.body;
}

TEST_P(FlowRuns, MissingRunsAreNotFound) {
  HttpResult result = get(std::string("/flow_runs/") + kMissingRun);
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.body, R"({"detail":"Flow run not found"})");
  EXPECT_EQ(send("PATCH", std::string("/flow_runs/") + kMissingRun, R"({"tags": []})").status, 404);
  EXPECT_EQ(send("DELETE", std::string("/flow_runs/") + kMissingRun, "").status, 404);
  HttpResult labels = send("PATCH", std::string("/flow_runs/") + kMissingRun + "/labels", R"({"a": 1})");
  EXPECT_EQ(labels.status, 404);
  EXPECT_EQ(labels.body, std::string(R"({"exception_message":"Flow run with id )") + kMissingRun + R"( not found"})");
  HttpResult set_state =
      send("POST", std::string("/flow_runs/") + kMissingRun + "/set_state", R"({"state": {"type": "RUNNING"}})");
  EXPECT_EQ(set_state.status, 404) << set_state.body;
}

TEST_P(FlowRuns, PatchWritesOnlyTheKeysSent) {
  const std::string flow_id = create_flow();
  JsonAnswer run = create_flow_run(flow_id, R"("name": "keep", "tags": ["a"], "flow_version": "1")");
  const std::string id = run.json["id"].GetString();
  EXPECT_EQ(send("PATCH", "/flow_runs/" + id, R"({"tags": ["b"], "infrastructure_pid": "pid-7"})").status, 204);
  JsonAnswer read = read_flow_run(id);
  EXPECT_STREQ(read.json["name"].GetString(), "keep");
  EXPECT_STREQ(read.json["flow_version"].GetString(), "1");
  EXPECT_STREQ(read.json["tags"][0].GetString(), "b");
  EXPECT_STREQ(read.json["infrastructure_pid"].GetString(), "pid-7");
  EXPECT_EQ(send("PATCH", "/flow_runs/" + id, R"({"name": null})").status, 204);
  JsonAnswer renamed = read_flow_run(id);
  EXPECT_STRNE(renamed.json["name"].GetString(), "keep") << "a null name becomes a new slug";
  HttpResult job_variables = send("PATCH", "/flow_runs/" + id, R"({"job_variables": {"image": "x"}})");
  EXPECT_EQ(job_variables.status, 400);
  EXPECT_EQ(job_variables.body, R"({"detail":"Job variables for a flow run in state PENDING cannot be updated"})");
}

TEST_P(FlowRuns, LabelsPatchMerges) {
  const std::string flow_id = create_flow();
  JsonAnswer run = create_flow_run(flow_id, R"("labels": {"a": "1", "b": "2"})");
  const std::string id = run.json["id"].GetString();
  EXPECT_EQ(send("PATCH", "/flow_runs/" + id + "/labels", R"({"b": "3", "c": true})").status, 204);
  JsonAnswer read = read_flow_run(id);
  EXPECT_STREQ(read.json["labels"]["a"].GetString(), "1");
  EXPECT_STREQ(read.json["labels"]["b"].GetString(), "3");
  EXPECT_TRUE(read.json["labels"]["c"].GetBool());
  EXPECT_STREQ(read.json["labels"]["prefect.flow.id"].GetString(), flow_id.c_str());
}

TEST_P(FlowRuns, DeleteRemovesTheRunAndItsStates) {
  const std::string flow_id = create_flow();
  JsonAnswer run = create_flow_run(flow_id);
  const std::string id = run.json["id"].GetString();
  const std::string state_id = run.json["state_id"].GetString();
  EXPECT_EQ(send("DELETE", "/flow_runs/" + id, "").status, 204);
  EXPECT_EQ(get("/flow_runs/" + id).status, 404);
  EXPECT_EQ(get("/flow_run_states/" + state_id).status, 404);
}

TEST_P(FlowRuns, StatesAreListedOldestFirst) {
  const std::string flow_id = create_flow();
  JsonAnswer run = create_flow_run(flow_id);
  const std::string id = run.json["id"].GetString();
  ASSERT_EQ(set_flow_run_state(id, R"({"type": "RUNNING"})").status, 201);
  ASSERT_EQ(set_flow_run_state(id, R"({"type": "COMPLETED", "message": "done"})").status, 201);
  JsonAnswer states = call("GET", "/flow_run_states/?flow_run_id=" + id, "/flow_run_states/");
  ASSERT_EQ(states.status, 200) << states.body;
  ASSERT_EQ(states.json.Size(), 3u);
  EXPECT_STREQ(states.json[0]["type"].GetString(), "PENDING");
  EXPECT_STREQ(states.json[1]["type"].GetString(), "RUNNING");
  EXPECT_STREQ(states.json[2]["type"].GetString(), "COMPLETED");
  EXPECT_STREQ(states.json[2]["message"].GetString(), "done");
  JsonAnswer one =
      call("GET", std::string("/flow_run_states/") + states.json[1]["id"].GetString(), "/flow_run_states/{id}");
  EXPECT_EQ(one.status, 200);
  EXPECT_STREQ(one.json["name"].GetString(), "Running");
  HttpResult missing = get(std::string("/flow_run_states/") + kMissingRun);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"detail":"Flow run state not found"})");
}

TEST_P(FlowRuns, PersistedResultsRoundTripThroughTheirArtifact) {
  const std::string flow_id = create_flow();
  const std::string id = create_flow_run(flow_id).json["id"].GetString();
  ASSERT_EQ(set_flow_run_state(id, R"({"type": "RUNNING"})").status, 201);
  JsonAnswer completed = set_flow_run_state(
      id, R"({"type": "COMPLETED", "data": {"type": "reference", "storage_key": "/r/1", "serializer": "pickle",
              "artifact_type": "result", "artifact_description": "Result of a flow"}})");
  ASSERT_EQ(completed.status, 201) << completed.body;
  const rapidjson::Value &data = completed.json["state"]["data"];
  EXPECT_STREQ(data["storage_key"].GetString(), "/r/1");
  EXPECT_FALSE(data.HasMember("artifact_type")) << "artifact fields move to the artifact";
  JsonAnswer read = read_flow_run(id);
  EXPECT_STREQ(read.json["state"]["data"]["storage_key"].GetString(), "/r/1");
}

TEST_P(FlowRuns, UnpersistedResultsAreAnsweredButNotKept) {
  const std::string flow_id = create_flow();
  const std::string id = create_flow_run(flow_id).json["id"].GetString();
  ASSERT_EQ(set_flow_run_state(id, R"({"type": "RUNNING"})").status, 201);
  JsonAnswer completed =
      set_flow_run_state(id, R"({"type": "COMPLETED", "data": {"type": "unpersisted", "artifact_type": "result"}})");
  ASSERT_EQ(completed.status, 201) << completed.body;
  EXPECT_STREQ(completed.json["state"]["data"]["type"].GetString(), "unpersisted");
  EXPECT_TRUE(read_flow_run(id).json["state"]["data"].IsNull());
}

TEST_P(FlowRuns, LogBatchesAreStored) {
  const std::string flow_id = create_flow();
  const std::string id = create_flow_run(flow_id).json["id"].GetString();
  std::string batch = "[";
  for (int i = 0; i < 250; ++i) {
    if (i > 0) batch += ",";
    batch += R"({"name": "prefect.flow_runs", "level": 20, "message": "line )" + std::to_string(i) +
             R"(", "timestamp": "2026-01-01T00:00:00.000)" + std::to_string(100 + i) + R"(Z", "flow_run_id": ")" + id +
             "\"}";
  }
  batch += "]";
  JsonAnswer created = call("POST", "/logs/", "/logs/", batch);
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.body, "null");
  server_->stop(SIGTERM, std::chrono::seconds(15));
  auto database = scratch_->open();
  Session session = database->session();
  Statement count = session.prepare("SELECT count(*) FROM log");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.int64(0), 250);
}

std::string gunzip(const std::string &compressed) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string plain(compressed.size() * 20 + 1024, '\0');
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  stream.next_out = reinterpret_cast<Bytef *>(plain.data());
  stream.avail_out = static_cast<uInt>(plain.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  plain.resize(stream.total_out);
  inflateEnd(&stream);
  return plain;
}

TEST_P(FlowRuns, LargeAnswersAreGzippedWhenTheClientAcceptsIt) {
  const std::string id = create_flow_run(create_flow()).json["id"].GetString();
  HttpResult plain = get("/flow_runs/" + id);
  ASSERT_GE(plain.body.size(), 500u);
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
  HttpResult compressed = get("/flow_runs/" + id, {{"Accept-Encoding", "gzip, deflate"}});
  EXPECT_EQ(compressed.status, 200);
  EXPECT_EQ(compressed.headers["content-encoding"], "gzip");
  EXPECT_EQ(compressed.headers["vary"], "Accept-Encoding");
  EXPECT_LT(compressed.body.size(), plain.body.size());
  rapidjson::Document decoded = parse_json(gunzip(compressed.body));
  EXPECT_STREQ(decoded["id"].GetString(), id.c_str());
  // Small answers stay as they are, as Starlette's middleware leaves them.
  HttpResult small = get("/health", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small.body, "true");
  EXPECT_EQ(small.headers.count("content-encoding"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, FlowRuns, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
