// /task_runs create over HTTP on each backend: the upsert on flow run, task
// key and dynamic key a Prefect client relies on, and the answer a create
// gives, every answer checked against the OpenAPI contract.
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

class TaskRuns : public RunApiTest {};

TEST_P(TaskRuns, CreateAnswersWhatAReadOfTheRunAnswers) {
  const std::string flow_run = create_flow_run(create_flow()).json["id"].GetString();
  const std::vector<std::string> bodies = {
      "",
      R"("name": "add-1", "tags": ["a"], "labels": {"team": "d"}, "cache_key": "c",
         "cache_expiration": "2030-01-01T00:00:00Z", "task_version": "2", "task_inputs": {"x": []},
         "empirical_policy": {"retries": 2, "retry_delay": 5})",
      R"("state": {"type": "SCHEDULED", "state_details": {"scheduled_time": "2030-01-02T03:04:05Z"}})",
      R"("state": {"type": "RUNNING", "message": "m"})",
      R"("state": {"type": "COMPLETED", "data": {"type": "reference", "storage_key": "/r/2", "serializer": "json"}})",
  };
  int key = 0;
  for (const std::string &body : bodies) {
    SCOPED_TRACE(body);
    JsonAnswer created = create_task_run(flow_run, "task-" + std::to_string(key++), body);
    ASSERT_EQ(created.status, 201) << created.body;
    JsonAnswer read = read_task_run(created.json["id"].GetString());
    ASSERT_EQ(read.status, 200) << read.body;
    expect_same_run(read.json, created.json);
  }
}

TEST_P(TaskRuns, ASecondCreateWithTheSameKeysAnswersTheFirstRunWith200) {
  const std::string flow_run = create_flow_run(create_flow()).json["id"].GetString();
  ASSERT_EQ(set_flow_run_state(flow_run, R"({"type": "RUNNING"})").status, 201);
  JsonAnswer first = create_task_run(flow_run, "add", R"("name": "first")");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(set_task_run_state(first.json["id"].GetString(), R"({"type": "RUNNING"})").status, 201);
  JsonAnswer again = create_task_run(flow_run, "add", R"("name": "second", "state": {"type": "SCHEDULED"})");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_STREQ(again.json["id"].GetString(), first.json["id"].GetString());
  EXPECT_STREQ(again.json["name"].GetString(), "first");
  EXPECT_STREQ(again.json["state_type"].GetString(), "RUNNING") << "the second create proposes no state";
  EXPECT_EQ(read_task_run(first.json["id"].GetString()).json["run_count"].GetInt(), 1);
  // Another dynamic key is another run.
  JsonAnswer mapped = call("POST", "/task_runs/", "/task_runs/",
                           R"({"flow_run_id": ")" + flow_run + R"(", "task_key": "add", "dynamic_key": "1"})");
  EXPECT_EQ(mapped.status, 201) << mapped.body;
}

// Every client of a race on one natural key is answered with the one run
// that was made, the first with 201 and the others with 200.
TEST_P(TaskRuns, RacingCreatesWithTheSameKeysMakeOneRun) {
  const std::string flow_run = create_flow_run(create_flow()).json["id"].GetString();
  const std::string body = R"({"flow_run_id": ")" + flow_run + R"(", "task_key": "add", "dynamic_key": "0"})";
  std::set<std::string> ids;
  int created = 0;
  for (const HttpResult &result : send_together(12, "POST", "/task_runs/", body)) {
    ASSERT_TRUE(result.status == 201 || result.status == 200) << result.status << " " << result.body;
    created += result.status == 201 ? 1 : 0;
    ids.insert(parse_json(result.body)["id"].GetString());
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u);
  JsonAnswer runs = call("POST", "/task_runs/filter", "/task_runs/filter",
                         R"({"flow_runs": {"id": {"any_": [")" + flow_run + R"("]}}})");
  EXPECT_EQ(runs.json.Size(), 1u) << runs.body;
}

TEST_P(TaskRuns, WithoutAFlowRunTheKeysStillMatch) {
  const std::string body = R"({"task_key": "background", "dynamic_key": "0"})";
  JsonAnswer first = call("POST", "/task_runs/", "/task_runs/", body);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_TRUE(first.json["flow_run_id"].IsNull());
  JsonAnswer again = call("POST", "/task_runs/", "/task_runs/", body);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_STREQ(again.json["id"].GetString(), first.json["id"].GetString());
}

INSTANTIATE_TEST_SUITE_P(Backends, TaskRuns, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
