// Malformed requests across the core run API: each gets Prefect's status and
// error body, and none of them changes the database.
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

constexpr const char *kMissing = "7b1f3c0e-0000-4000-8000-000000000000";

struct BadRequest {
  const char *method;
  std::string path;  // {flow}, {run}, {task} and {missing} are replaced
  std::string body;
  long status;
  // Either the exact body, or for 422s "type@loc" of every issue, comma-joined
  // (loc joined with dots, e.g. "missing@body.flow_id").
  std::string expected;
};

std::string replace_all(std::string text, const std::string &token, const std::string &value) {
  for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at + value.size())) {
    text.replace(at, token.size(), value);
  }
  return text;
}

// "type@loc,type@loc" of a 422 body.
std::string issue_summary(const rapidjson::Document &error) {
  std::string summary;
  if (!error.IsObject() || !error.HasMember("exception_detail")) return "<no exception_detail>";
  for (const auto &issue : error["exception_detail"].GetArray()) {
    if (!summary.empty()) summary += ",";
    summary += std::string(issue["type"].GetString()) + "@";
    std::string location;
    for (const auto &part : issue["loc"].GetArray()) {
      if (!location.empty()) location += ".";
      location += part.IsString() ? part.GetString() : std::to_string(part.GetInt());
    }
    summary += location;
  }
  return summary;
}

class BadInput : public RunApiTest {
 protected:
  // Row counts of every table these routes write, and the runs' `updated`.
  std::string database_fingerprint(const std::string &run, const std::string &task) {
    std::string fingerprint;
    for (const char *table : {"flow", "flow_run", "task_run", "flow_run_state", "task_run_state", "log", "artifact",
                              "task_run_state_cache"}) {
      fingerprint += std::string(table) + "=" + std::to_string(row_count(table)) + " ";
    }
    fingerprint += read_flow_run(run).json["updated"].GetString();
    fingerprint += " ";
    fingerprint += read_task_run(task).json["updated"].GetString();
    return fingerprint;
  }

  int64_t row_count(const char *table) {
    auto database = scratch_->open();
    Session session = database->session();
    Statement count = session.prepare(std::string("SELECT count(*) FROM ") + table);
    return count.step() ? count.int64(0).value_or(-1) : -1;
  }
};

TEST_P(BadInput, EveryMalformedRequestIsRefusedInPrefectsShapeAndWritesNothing) {
  const std::string flow = create_flow();
  const std::string run = create_flow_run(flow).json["id"].GetString();
  ASSERT_EQ(set_flow_run_state(run, R"({"type": "RUNNING"})").status, 201);
  const std::string task = create_task_run(run, "t").json["id"].GetString();
  const std::string missing_run_message =
      std::string(R"({"exception_message":"Flow run with id )") + kMissing + R"( not found"})";

  const std::vector<BadRequest> cases = {
      // flows
      {"POST", "/flows/", "{}", 422, "missing@body.name"},
      {"POST", "/flows/", "not json", 422, "json_invalid@body.0"},
      {"POST", "/flows/", R"({"name": ""})", 422, "string_pattern_mismatch@body.name"},
      {"POST", "/flows/", R"({"name": "ok", "tags": [1]})", 422, "string_type@body.tags.0"},
      {"GET", "/flows/not-a-uuid", "", 404, R"({"detail":"Not Found"})"},
      {"PATCH", "/flows/{missing}", R"({"tags": []})", 404, R"({"detail":"Flow not found"})"},
      {"POST", "/flows/filter", R"({"limit": 201})", 422,
       R"({"detail":"Invalid limit: must be less than or equal to 200."})"},
      {"POST", "/flows/filter", R"({"offset": -1})", 422, "greater_than_equal@body.offset"},
      {"POST", "/flows/filter", R"({"sort": "NOPE"})", 422, "enum@body.sort"},
      {"POST", "/flows/filter", R"({"flows": {"id": {"any_": ["x"]}}})", 422, "uuid_parsing@body.flows.id.any_.0"},
      // flow runs
      {"POST", "/flow_runs/", "{}", 422, "missing@body.flow_id"},
      {"POST", "/flow_runs/", R"({"flow_id": "nope"})", 422, "uuid_parsing@body.flow_id"},
      {"POST", "/flow_runs/", R"({"flow_id": "{missing}"})", 409, ""},
      {"POST", "/flow_runs/", R"({"flow_id": "{flow}", "state": {"type": "DONE"}})", 422, "enum@body.state.type"},
      {"POST", "/flow_runs/", R"({"flow_id": "{flow}", "state": {"type": "RUNNING", "id": "{missing}"}})", 422,
       "extra_forbidden@body.state.id"},
      {"POST", "/flow_runs/",
       R"({"flow_id": "{flow}", "state": {"type": "RUNNING", "timestamp": "2026-01-01T00:00:00Z"}})", 422,
       "extra_forbidden@body.state.timestamp"},
      {"POST", "/flow_runs/", R"({"flow_id": "{flow}", "parameters": []})", 422, "dict_type@body.parameters"},
      {"POST", "/flow_runs/", R"({"flow_id": "{flow}", "tags": "a"})", 422, "list_type@body.tags"},
      {"POST", "/flow_runs/", R"({"flow_id": "{flow}", "empirical_policy": {"retries": "many"}})", 422,
       "int_parsing@body.empirical_policy.retries"},
      {"POST", "/flow_runs/", R"({"flow_id": "{flow}", "work_pool_name": "nopool"})", 404,
       R"({"detail":"Work pool \"nopool\" not found."})"},
      {"POST", "/flow_runs/", R"({"flow_id": "{flow}", "work_pool_name": "p", "work_queue_name": "q"})", 404,
       R"({"detail":"Work pool queue 'p/q' not found."})"},
      {"POST", "/flow_runs/", R"({"flow_id": "{flow}", "colour": 1})", 422, "extra_forbidden@body.colour"},
      {"GET", "/flow_runs/{missing}", "", 404, R"({"detail":"Flow run not found"})"},
      {"PATCH", "/flow_runs/{run}", R"({"name": 5})", 422, "string_type@body.name"},
      {"PATCH", "/flow_runs/{run}", R"({"state": {}})", 422, "extra_forbidden@body.state"},
      {"PATCH", "/flow_runs/{missing}", R"({"name": "x"})", 404, R"({"detail":"Flow run not found"})"},
      {"PATCH", "/flow_runs/{run}", R"({"job_variables": {"image": "x"}})", 400,
       R"({"detail":"Job variables for a flow run in state RUNNING cannot be updated"})"},
      {"POST", "/flow_runs/{run}/set_state", "{}", 422, "missing@body.state"},
      {"POST", "/flow_runs/{run}/set_state", R"({"state": {"type": "NOPE"}})", 422, "enum@body.state.type"},
      {"POST", "/flow_runs/{run}/set_state", R"({"state": {"type": "RUNNING"}, "force": "maybe"})", 422,
       "bool_parsing@body.force"},
      {"POST", "/flow_runs/{run}/set_state",
       R"({"state": {"type": "SCHEDULED", "state_details": {"scheduled_time": "yesterday"}}})", 422,
       "datetime_from_date_parsing@body.state.state_details.scheduled_time"},
      {"POST", "/flow_runs/{missing}/set_state", R"({"state": {"type": "RUNNING"}})", 404, missing_run_message},
      {"DELETE", "/flow_runs/{missing}", "", 404, R"({"detail":"Flow run not found"})"},
      {"PATCH", "/flow_runs/{run}/labels", "[1, 2]", 422, "dict_type@body"},
      {"PATCH", "/flow_runs/{missing}/labels", R"({"a": 1})", 404, missing_run_message},
      {"POST", "/flow_runs/{missing}/resume", "{}", 404, R"({"detail":"Flow run not found"})"},
      // task runs
      {"POST", "/task_runs/", "{}", 422, "missing@body.task_key,missing@body.dynamic_key"},
      {"POST", "/task_runs/", R"({"task_key": "a", "dynamic_key": "0", "flow_run_id": "{missing}"})", 409, ""},
      {"POST", "/task_runs/", R"({"task_key": 1, "dynamic_key": "0"})", 422, "string_type@body.task_key"},
      {"POST", "/task_runs/", R"({"task_key": "a", "dynamic_key": "0", "id": "nope"})", 422, "uuid_parsing@body.id"},
      {"GET", "/task_runs/{missing}", "", 404, R"({"detail":"Task not found"})"},
      {"PATCH", "/task_runs/{task}", R"({"tags": []})", 422, "extra_forbidden@body.tags"},
      {"PATCH", "/task_runs/{missing}", R"({"name": "x"})", 404, R"({"detail":"Task run not found"})"},
      {"POST", "/task_runs/{missing}/set_state", R"({"state": {"type": "RUNNING"}})", 404,
       std::string(R"({"exception_message":"Task run with id )") + kMissing + R"( not found"})"},
      // FastAPI treats a null embedded body field as a missing one.
      {"POST", "/task_runs/{task}/set_state", R"({"state": null})", 422, "missing@body.state"},
      {"DELETE", "/task_runs/{missing}", "", 404, R"({"detail":"Task not found"})"},
      // states
      {"GET", "/flow_run_states/", "", 422, "missing@query.flow_run_id"},
      {"GET", "/flow_run_states/?flow_run_id=nope", "", 422, "uuid_parsing@query.flow_run_id"},
      {"GET", "/task_run_states/{missing}", "", 404, R"({"detail":"Flow run state not found"})"},
      // logs
      {"POST", "/logs/", "{}", 422, "list_type@body"},
      {"POST", "/logs/", R"([{"name": "x"}])", 422,
       "missing@body.0.level,missing@body.0.message,missing@body.0.timestamp"},
      {"POST", "/logs/", R"([{"name": "x", "level": "high", "message": "m", "timestamp": "2026-01-01T00:00:00Z"}])",
       422, "int_parsing@body.0.level"},
  };
  ASSERT_GE(cases.size(), 40u);

  const std::string before = database_fingerprint(run, task);
  for (const BadRequest &bad : cases) {
    std::string path =
        replace_all(replace_all(replace_all(replace_all(bad.path, "{flow}", flow), "{run}", run), "{task}", task),
                    "{missing}", kMissing);
    std::string body = replace_all(replace_all(bad.body, "{flow}", flow), "{missing}", kMissing);
    HttpResult result = bad.method == std::string("GET") ? get(path) : send(bad.method, path, body);
    EXPECT_EQ(result.status, bad.status) << bad.method << " " << path << " " << body << "\n" << result.body;
    if (bad.expected.empty()) continue;
    if (bad.expected.front() == '{') {
      EXPECT_EQ(result.body, bad.expected) << bad.method << " " << path << " " << body;
    } else {
      EXPECT_EQ(issue_summary(parse_json(result.body)), bad.expected)
          << bad.method << " " << path << " " << body << "\n"
          << result.body;
      // Prefect's 422 envelope around the issues.
      rapidjson::Document error = parse_json(result.body);
      ASSERT_TRUE(error.IsObject()) << result.body;
      EXPECT_STREQ(error["exception_message"].GetString(), "Invalid request received.");
      EXPECT_TRUE(error.HasMember("request_body"));
    }
  }
  EXPECT_EQ(database_fingerprint(run, task), before) << "a refused request changed the database";
}

INSTANTIATE_TEST_SUITE_P(Backends, BadInput, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
