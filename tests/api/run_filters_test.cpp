// The "read many" routes of flow runs, task runs and logs over HTTP on each
// backend: filter, count, paginate, history, lateness, bulk delete and bulk
// set_state, on 1,000 flow runs seeded by SQL with known answers. Every 200
// body is checked against the contract.
#include "support/run_api_test.h"

#include "core/timestamp.h"
#include "core/uuid.h"
#include "database/database_interface.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

constexpr int kRuns = 1000;
constexpr int kTaskRuns = 10;
// Run i is expected to start i minutes after this.
const Timestamp kBase = *Timestamp::parse("2026-01-01T00:00:00Z");

// Run i's id; ids sort by i, so ID_DESC lists run 999 first.
std::string run_id(int i) {
  char text[40];
  std::snprintf(text, sizeof text, "%08x-0000-4000-8000-000000000000", static_cast<unsigned>(i));
  return text;
}

std::string task_run_id(int i) {
  char text[40];
  std::snprintf(text, sizeof text, "%08x-1111-4000-8000-000000000000", static_cast<unsigned>(i));
  return text;
}

std::string run_name(int i) {
  char text[16];
  std::snprintf(text, sizeof text, "run-%04d", i);
  return text;
}

// Run i's state cycles through four types: i % 4 == 0 is COMPLETED (started
// 2 s late, ran 10 s), 1 FAILED (never started), 2 RUNNING, 3 SCHEDULED.
const char *const kStateTypes[] = {"COMPLETED", "FAILED", "RUNNING", "SCHEDULED"};
const char *const kStateNames[] = {"Completed", "Failed", "Running", "Scheduled"};

std::vector<std::string> names_of(const rapidjson::Value &runs) {
  std::vector<std::string> names;
  for (const auto &run : runs.GetArray()) names.emplace_back(run["name"].GetString());
  return names;
}

class RunFilters : public RunApiTest {
 protected:
  void SetUp() override {
    RunApiTest::SetUp();
    if (IsSkipped()) return;
    etl_flow_ = create_flow("etl");
    report_flow_ = create_flow("report");
    seed();
  }

  // Runs 0..999: even ones of flow "etl", odd ones of "report"; every third
  // tagged "nightly"; states as kStateTypes. Task runs 0..9 belong to runs
  // 0..9, COMPLETED for i < 5 and FAILED after.
  void seed() {
    auto database = scratch_->open();
    Session session = database->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    const QueryComponents &q = database->queries();
    const std::string run_insert =
        "INSERT INTO flow_run (id, created, updated, name, flow_id, state_type, state_name, state_timestamp, "
        "expected_start_time, start_time, end_time, total_run_time, tags, run_count, parameters, context, "
        "empirical_policy, auto_scheduled) VALUES (" +
        q.placeholder_list(1, 14) + ", " + q.placeholder(15) + ", " + q.placeholder(15) + ", " + q.placeholder(15) +
        ", " + q.placeholder(16) + ")";
    for (int i = 0; i < kRuns; ++i) {
      const int kind = i % 4;
      const Timestamp expected = kBase.plus_seconds(60.0 * i);
      std::optional<Timestamp> start, end;
      if (kind == 0) {
        start = expected.plus_seconds(2);
        end = expected.plus_seconds(12);
      }
      Statement insert = session.prepare(run_insert);
      insert.bind(1, *Uuid::parse(run_id(i)))
          .bind(2, kBase)
          .bind(3, kBase)
          .bind(4, run_name(i))
          .bind(5, *Uuid::parse(i % 2 == 0 ? etl_flow_ : report_flow_))
          .bind(6, kStateTypes[kind])
          .bind(7, kStateNames[kind])
          .bind(8, kind == 0 ? *end : expected)
          .bind(9, expected)
          .bind(10, start)
          .bind(11, end)
          .bind_interval(12, kind == 0 ? 10'000'000 : 0)
          .bind_json(13, i % 3 == 0 ? R"(["nightly"])" : "[]")
          .bind(14, int64_t{kind == 0 ? 1 : 0})
          .bind_json(15, "{}")
          .bind(16, false);
      insert.execute();
    }
    const std::string task_insert =
        "INSERT INTO task_run (id, created, updated, name, flow_run_id, task_key, dynamic_key, state_type, "
        "state_name, expected_start_time, total_run_time, run_count, flow_run_run_count, empirical_policy, "
        "task_inputs, tags) VALUES (" +
        q.placeholder_list(1, 13) + ", " + q.placeholder(14) + ", " + q.placeholder(14) + ", " + q.placeholder(15) +
        ")";
    for (int i = 0; i < kTaskRuns; ++i) {
      const bool completed = i < 5;
      Statement insert = session.prepare(task_insert);
      insert.bind(1, *Uuid::parse(task_run_id(i)))
          .bind(2, kBase)
          .bind(3, kBase)
          .bind(4, "task-" + std::to_string(i))
          .bind(5, *Uuid::parse(run_id(i)))
          .bind(6, "work")
          .bind(7, std::to_string(i))
          .bind(8, completed ? "COMPLETED" : "FAILED")
          .bind(9, completed ? "Completed" : "Failed")
          .bind(10, kBase.plus_seconds(60.0 * i))
          .bind_interval(11, 0)
          .bind(12, int64_t{0})
          .bind(13, int64_t{0})
          .bind_json(14, "{}")
          .bind_json(15, "[]");
      insert.execute();
    }
    transaction.commit();
  }

  rapidjson::Document post(const std::string &path, const std::string &body) {
    HttpResult result = send("POST", path, body);
    EXPECT_EQ(result.status, 200) << path << " " << body << " -> " << result.body.substr(0, 500);
    expect_contract("POST", path, result);
    return parse_json(result.body);
  }

  std::string count(const std::string &path, const std::string &body) {
    HttpResult result = send("POST", path, body);
    EXPECT_EQ(result.status, 200) << path << " " << body << " -> " << result.body;
    expect_contract("POST", path, result);
    return result.body;
  }

  std::string etl_flow_;
  std::string report_flow_;
};

TEST_P(RunFilters, FlowRunFilterDefaultsToIdDescendingAndTheDefaultLimit) {
  auto all = post("/flow_runs/filter", "");
  ASSERT_EQ(all.Size(), 200u);
  EXPECT_STREQ(all[0]["id"].GetString(), run_id(999).c_str());
  EXPECT_STREQ(all[199]["id"].GetString(), run_id(800).c_str());
  EXPECT_STREQ(all[0]["flow_id"].GetString(), report_flow_.c_str());
  EXPECT_STREQ(all[0]["state_type"].GetString(), "SCHEDULED");
  EXPECT_TRUE(all[0]["state"].IsNull());
  EXPECT_STREQ(all[0]["tags"][0].GetString(), "nightly");
  auto three = post("/flow_runs/filter", R"({"limit": 3})");
  EXPECT_EQ(names_of(three), (std::vector<std::string>{"run-0999", "run-0998", "run-0997"}));
}

TEST_P(RunFilters, FlowRunSortsLimitAndOffset) {
  EXPECT_EQ(names_of(post("/flow_runs/filter", R"({"sort": "NAME_ASC", "limit": 2, "offset": 10})")),
            (std::vector<std::string>{"run-0010", "run-0011"}));
  EXPECT_EQ(names_of(post("/flow_runs/filter", R"({"sort": "NAME_DESC", "limit": 2})")),
            (std::vector<std::string>{"run-0999", "run-0998"}));
  EXPECT_EQ(names_of(post("/flow_runs/filter", R"({"sort": "EXPECTED_START_TIME_ASC", "limit": 2})")),
            (std::vector<std::string>{"run-0000", "run-0001"}));
  EXPECT_EQ(names_of(post("/flow_runs/filter", R"({"sort": "EXPECTED_START_TIME_DESC", "limit": 1})")),
            std::vector<std::string>{"run-0999"});
  // start_time or, unstarted, expected_start_time: run 0 started 2 s late, before run 1's expectation.
  EXPECT_EQ(names_of(post("/flow_runs/filter", R"({"sort": "START_TIME_ASC", "limit": 2})")),
            (std::vector<std::string>{"run-0000", "run-0001"}));
  EXPECT_EQ(post("/flow_runs/filter", R"({"offset": 995, "limit": 10})").Size(), 5u);
  EXPECT_EQ(post("/flow_runs/filter", R"({"offset": 1000})").Size(), 0u);
  EXPECT_EQ(post("/flow_runs/filter", R"({"limit": 0})").Size(), 0u);
  auto last = post("/flow_runs/filter", R"({"offset": 999, "limit": 5})");
  ASSERT_EQ(last.Size(), 1u);
  EXPECT_STREQ(last[0]["id"].GetString(), run_id(0).c_str());
}

TEST_P(RunFilters, FlowRunFiltersCombineAcrossObjects) {
  EXPECT_EQ(count("/flow_runs/count", ""), "1000");
  EXPECT_EQ(count("/flow_runs/count", R"({"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}})"), "250");
  EXPECT_EQ(count("/flow_runs/count", R"({"flows": {"name": {"any_": ["etl"]}}})"), "500");
  // COMPLETED runs are all even, so all of flow etl; FAILED ones none.
  EXPECT_EQ(count("/flow_runs/count", R"({"flows": {"name": {"any_": ["etl"]}},
                                         "flow_runs": {"state": {"type": {"any_": ["FAILED"]}}}})"),
            "0");
  // i % 12 == 0 for i < 1000: 84 runs.
  EXPECT_EQ(count("/flow_runs/count", R"({"flow_runs": {"tags": {"all_": ["nightly"]},
                                                       "state": {"type": {"any_": ["COMPLETED"]}}}})"),
            "84");
  EXPECT_EQ(count("/flow_runs/count", R"({"flow_runs": {"operator": "or_", "tags": {"all_": ["nightly"]},
                                                       "state": {"type": {"any_": ["COMPLETED"]}}}})"),
            std::to_string(334 + 250 - 84));
  // Runs 0..9 have a task run; of those, etl runs that COMPLETED whose task COMPLETED: 0 and 4.
  const std::string combined = R"({"flows": {"name": {"any_": ["etl"]}},
                                   "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}},
                                   "task_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}})";
  EXPECT_EQ(count("/flow_runs/count", combined), "2");
  EXPECT_EQ(names_of(post("/flow_runs/filter", combined)), (std::vector<std::string>{"run-0004", "run-0000"}));
  EXPECT_EQ(count("/flow_runs/count", R"({"task_runs": {}})"), std::to_string(kTaskRuns));
  // No run has a deployment or a work queue.
  EXPECT_EQ(count("/flow_runs/count", R"({"deployments": {}})"), "0");
  EXPECT_EQ(count("/flow_runs/count", R"({"work_pool_queues": {}})"), "0");
  auto named = post("/flow_runs/filter", R"({"flow_runs": {"name": {"like_": "RUN-012"}}, "sort": "NAME_ASC"})");
  ASSERT_EQ(named.Size(), 10u);
  EXPECT_STREQ(named[0]["name"].GetString(), "run-0120");
}

TEST_P(RunFilters, FlowRunPaginate) {
  auto fifth = post("/flow_runs/paginate", R"({"limit": 200, "page": 5})");
  ASSERT_EQ(fifth["results"].Size(), 200u);
  EXPECT_STREQ(fifth["results"][0]["id"].GetString(), run_id(199).c_str());
  EXPECT_EQ(fifth["count"].GetInt(), 1000);
  EXPECT_EQ(fifth["limit"].GetInt(), 200);
  EXPECT_EQ(fifth["pages"].GetInt(), 5);
  EXPECT_EQ(fifth["page"].GetInt(), 5);
  auto beyond = post("/flow_runs/paginate", R"({"limit": 200, "page": 6})");
  EXPECT_EQ(beyond["results"].Size(), 0u);
  auto failed = post("/flow_runs/paginate",
                     R"({"flow_runs": {"state": {"type": {"any_": ["FAILED"]}}}, "limit": 100, "sort": "NAME_ASC"})");
  EXPECT_EQ(failed["count"].GetInt(), 250);
  EXPECT_EQ(failed["pages"].GetInt(), 3);
  EXPECT_STREQ(failed["results"][0]["name"].GetString(), "run-0001");
}

TEST_P(RunFilters, LimitAboveTheMaximumIsPrefects422) {
  for (const char *path :
       {"/flow_runs/filter", "/flow_runs/paginate", "/task_runs/filter", "/task_runs/paginate", "/logs/filter"}) {
    HttpResult result = send("POST", path, R"({"limit": 201})");
    EXPECT_EQ(result.status, 422) << path;
    EXPECT_EQ(result.body, R"({"detail":"Invalid limit: must be less than or equal to 200."})") << path;
  }
}

TEST_P(RunFilters, FlowRunHistoryBucketsByExpectedStartTime) {
  // 1,000 minutes in hours: 17 buckets, the last holding runs 960..999.
  auto history = post("/flow_runs/history", R"({"history_start": "2026-01-01T00:00:00Z",
                                                "history_end": "2026-01-01T16:40:00Z",
                                                "history_interval_seconds": 3600})");
  ASSERT_EQ(history.Size(), 17u);
  EXPECT_STREQ(history[0]["interval_start"].GetString(), "2026-01-01T00:00:00Z");
  EXPECT_STREQ(history[0]["interval_end"].GetString(), "2026-01-01T01:00:00Z");
  EXPECT_STREQ(history[16]["interval_start"].GetString(), "2026-01-01T16:00:00Z");
  const rapidjson::Value &first = history[0]["states"];
  ASSERT_EQ(first.Size(), 4u);
  for (const auto &state : first.GetArray()) {
    EXPECT_EQ(state["count_runs"].GetInt(), 15) << state["state_type"].GetString();
    if (std::string(state["state_type"].GetString()) == "COMPLETED") {
      EXPECT_STREQ(state["state_name"].GetString(), "Completed");
      EXPECT_NEAR(state["sum_estimated_run_time"].GetDouble(), 150.0, 0.01);
      EXPECT_NEAR(state["sum_estimated_lateness"].GetDouble(), 30.0, 0.01);
    }
    if (std::string(state["state_type"].GetString()) == "FAILED") {
      EXPECT_NEAR(state["sum_estimated_run_time"].GetDouble(), 0.0, 0.001);
      EXPECT_NEAR(state["sum_estimated_lateness"].GetDouble(), 0.0, 0.001);
    }
  }
  int total = 0;
  for (const auto &bucket : history.GetArray()) {
    for (const auto &state : bucket["states"].GetArray()) total += state["count_runs"].GetInt();
  }
  EXPECT_EQ(total, kRuns);
  for (const auto &state : history[16]["states"].GetArray()) EXPECT_EQ(state["count_runs"].GetInt(), 10);

  // Filtered to flow etl, over two hours before the runs and one with them.
  auto etl = post("/flow_runs/history", R"({"history_start": "2025-12-31T22:00:00Z",
                                            "history_end": "2026-01-01T01:00:00Z",
                                            "history_interval_seconds": 3600,
                                            "flows": {"name": {"any_": ["etl"]}}})");
  ASSERT_EQ(etl.Size(), 3u);
  EXPECT_EQ(etl[0]["states"].Size(), 0u);
  EXPECT_EQ(etl[1]["states"].Size(), 0u);
  ASSERT_EQ(etl[2]["states"].Size(), 2u);
  for (const auto &state : etl[2]["states"].GetArray()) EXPECT_EQ(state["count_runs"].GetInt(), 15);
}

TEST_P(RunFilters, HistoryIntervalBelowOneSecondIs422) {
  for (const char *path : {"/flow_runs/history", "/task_runs/history"}) {
    HttpResult result = send("POST", path, R"({"history_start": "2026-01-01T00:00:00Z",
                                              "history_end": "2026-01-01T01:00:00Z",
                                              "history_interval_seconds": 0.5})");
    EXPECT_EQ(result.status, 422) << path;
    EXPECT_EQ(result.body, R"({"detail":"History interval must not be less than 1 second."})") << path;
  }
}

TEST_P(RunFilters, TaskRunHistory) {
  auto history = post("/task_runs/history", R"({"history_start": "2026-01-01T00:00:00Z",
                                                "history_end": "2026-01-01T00:10:00Z",
                                                "history_interval_seconds": 300})");
  ASSERT_EQ(history.Size(), 2u);
  // Task runs 0..4 expected in the first five minutes, all COMPLETED; 5..9 FAILED.
  ASSERT_EQ(history[0]["states"].Size(), 1u);
  EXPECT_STREQ(history[0]["states"][0]["state_type"].GetString(), "COMPLETED");
  EXPECT_EQ(history[0]["states"][0]["count_runs"].GetInt(), 5);
  ASSERT_EQ(history[1]["states"].Size(), 1u);
  EXPECT_STREQ(history[1]["states"][0]["state_type"].GetString(), "FAILED");
  EXPECT_EQ(history[1]["states"][0]["count_runs"].GetInt(), 5);
  auto etl = post("/task_runs/history", R"({"history_start": "2026-01-01T00:00:00Z",
                                            "history_end": "2026-01-01T00:10:00Z",
                                            "history_interval_seconds": 600,
                                            "flows": {"name": {"any_": ["etl"]}}})");
  ASSERT_EQ(etl.Size(), 1u);
  int total = 0;
  for (const auto &state : etl[0]["states"].GetArray()) total += state["count_runs"].GetInt();
  EXPECT_EQ(total, 5);  // task runs of the even runs 0, 2, 4, 6, 8
}

TEST_P(RunFilters, LatenessAveragesTheFilteredRuns) {
  auto completed = post("/flow_runs/lateness", R"({"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}})");
  ASSERT_TRUE(completed.IsNumber());
  EXPECT_NEAR(completed.GetDouble(), 2.0, 0.01);
  auto failed = post("/flow_runs/lateness", R"({"flow_runs": {"state": {"type": {"any_": ["FAILED"]}}}})");
  EXPECT_NEAR(failed.GetDouble(), 0.0, 0.001);
  // Unstarted, not final and due: late by now − expected, more than a few months.
  auto scheduled = post("/flow_runs/lateness", R"({"flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}})");
  EXPECT_GT(scheduled.GetDouble(), 0.0);
  auto none = post("/flow_runs/lateness", R"({"flow_runs": {"name": {"any_": ["nobody"]}}})");
  EXPECT_TRUE(none.IsNull());
}

TEST_P(RunFilters, TaskRunFilterCountAndPaginate) {
  auto all = post("/task_runs/filter", "");
  ASSERT_EQ(all.Size(), static_cast<unsigned>(kTaskRuns));
  EXPECT_STREQ(all[0]["id"].GetString(), task_run_id(9).c_str());
  EXPECT_STREQ(all[0]["dynamic_key"].GetString(), "9");
  EXPECT_EQ(names_of(post("/task_runs/filter", R"({"sort": "NAME_ASC", "limit": 2, "offset": 1})")),
            (std::vector<std::string>{"task-1", "task-2"}));
  EXPECT_EQ(count("/task_runs/count", ""), std::to_string(kTaskRuns));
  EXPECT_EQ(count("/task_runs/count", R"({"task_runs": {"state": {"type": {"any_": ["FAILED"]}}}})"), "5");
  // Task runs whose flow run is of flow "report" (odd runs) and FAILED: 5, 7, 9.
  const std::string combined = R"({"flows": {"name": {"any_": ["report"]}},
                                   "task_runs": {"state": {"type": {"any_": ["FAILED"]}}}})";
  EXPECT_EQ(count("/task_runs/count", combined), "3");
  EXPECT_EQ(names_of(post("/task_runs/filter", combined)), (std::vector<std::string>{"task-9", "task-7", "task-5"}));
  EXPECT_EQ(count("/task_runs/count", R"({"flow_runs": {"id": {"any_": [")" + run_id(3) + R"("]}}})"), "1");
  EXPECT_EQ(count("/task_runs/count", R"({"flow_runs": {"state": {"type": {"any_": ["RUNNING"]}}}})"), "2");

  auto page = post("/task_runs/paginate", R"({"limit": 4, "page": 3})");
  ASSERT_EQ(page["results"].Size(), 2u);
  EXPECT_EQ(page["count"].GetInt(), kTaskRuns);
  EXPECT_EQ(page["pages"].GetInt(), 3);
  const rapidjson::Value &reduced = page["results"][0];
  EXPECT_STREQ(reduced["id"].GetString(), task_run_id(1).c_str());
  EXPECT_TRUE(reduced.HasMember("estimated_start_time_delta"));
  EXPECT_FALSE(reduced.HasMember("dynamic_key"));
  EXPECT_FALSE(reduced.HasMember("labels"));
}

TEST_P(RunFilters, LogFilter) {
  std::string batch = "[";
  for (int i = 0; i < 6; ++i) {
    if (i > 0) batch += ", ";
    // Sent out of order; run 0 gets the even ones, run 1 the odd.
    const int minute = (i * 7) % 6;
    batch += R"({"name": "prefect.flow_runs", "level": )" + std::to_string(10 * (i + 1)) + R"(, "message": "line )" +
             std::to_string(minute) + R"(", "timestamp": "2026-01-01T00:0)" + std::to_string(minute) +
             R"(:00Z", "flow_run_id": ")" + run_id(i % 2) + R"("})";
  }
  batch += "]";
  ASSERT_EQ(send("POST", "/logs/", batch).status, 201);

  auto all = post("/logs/filter", "");
  ASSERT_EQ(all.Size(), 6u);
  for (unsigned i = 0; i < all.Size(); ++i) {
    EXPECT_EQ(std::string(all[i]["message"].GetString()), "line " + std::to_string(i));
  }
  auto newest = post("/logs/filter", R"({"sort": "TIMESTAMP_DESC", "limit": 2, "offset": 1})");
  ASSERT_EQ(newest.Size(), 2u);
  EXPECT_STREQ(newest[0]["message"].GetString(), "line 4");
  auto run_zero = post("/logs/filter", R"({"logs": {"flow_run_id": {"any_": [")" + run_id(0) + R"("]}}})");
  ASSERT_EQ(run_zero.Size(), 3u);
  for (const auto &log : run_zero.GetArray()) EXPECT_STREQ(log["flow_run_id"].GetString(), run_id(0).c_str());
  auto loud = post("/logs/filter", R"({"logs": {"level": {"ge_": 50}}})");
  EXPECT_EQ(loud.Size(), 2u);
}

TEST_P(RunFilters, LogDownloadIsCsvInTimestampOrder) {
  std::string batch = R"([{"name": "x", "level": 20, "message": "second, with \"quotes\"",
                           "timestamp": "2026-01-01T00:00:02.5Z", "flow_run_id": ")" +
                      run_id(0) + R"("},
                          {"name": "x", "level": 40, "message": "first", "timestamp": "2026-01-01T00:00:01Z",
                           "flow_run_id": ")" +
                      run_id(0) + R"(", "task_run_id": ")" + task_run_id(0) + R"("},
                          {"name": "x", "level": 40, "message": "other run", "timestamp": "2026-01-01T00:00:00Z",
                           "flow_run_id": ")" +
                      run_id(1) + R"("}])";
  ASSERT_EQ(send("POST", "/logs/", batch).status, 201);
  // CSV, not JSON: outside what the contract can check.
  HttpResult csv = get("/flow_runs/" + run_id(0) + "/logs/download");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body,
            "timestamp,level,flow_run_id,task_run_id,message\r\n"
            "2026-01-01 00:00:01+00:00,40," +
                run_id(0) + "," + task_run_id(0) +
                ",first\r\n"
                "2026-01-01 00:00:02.500000+00:00,20," +
                run_id(0) + ",,\"second, with \"\"quotes\"\"\"\r\n");
  EXPECT_EQ(get("/flow_runs/7b1f3c0e-0000-4000-8000-000000000000/logs/download").status, 404);
}

TEST_P(RunFilters, BulkDeleteTakesTheFirstRunsByIdDescending) {
  auto deleted = post("/flow_runs/bulk_delete", R"({"flow_runs": {"tags": {"all_": ["nightly"]}}, "limit": 5})");
  ASSERT_EQ(deleted["deleted"].Size(), 5u);
  std::set<std::string> gone;
  for (const auto &id : deleted["deleted"].GetArray()) gone.insert(id.GetString());
  EXPECT_EQ(gone, (std::set<std::string>{run_id(999), run_id(996), run_id(993), run_id(990), run_id(987)}));
  for (const std::string &id : gone) EXPECT_EQ(get("/flow_runs/" + id).status, 404);
  EXPECT_EQ(count("/flow_runs/count", ""), "995");
  // Only flow_runs counts: other filter keys are not parameters of the route.
  auto by_default = post("/flow_runs/bulk_delete", R"({"flows": {"name": {"any_": ["nobody"]}}})");
  EXPECT_EQ(by_default["deleted"].Size(), 50u);
  EXPECT_EQ(count("/flow_runs/count", ""), "945");
  auto none = post("/flow_runs/bulk_delete", R"({"flow_runs": {"name": {"any_": ["nobody"]}}})");
  EXPECT_EQ(none["deleted"].Size(), 0u);
}

TEST_P(RunFilters, BulkSetStateOrchestratesEachRun) {
  const std::string flow_id = create_flow("bulk");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    JsonAnswer run = create_flow_run(flow_id, R"("tags": ["bulk"])");
    ASSERT_EQ(run.status, 201) << run.body;
    ids.emplace_back(run.json["id"].GetString());
  }
  const std::string selection = R"({"flow_runs": {"tags": {"all_": ["bulk"]}}, )";
  auto running = post("/flow_runs/bulk_set_state", selection + R"("state": {"type": "RUNNING"}, "limit": 2})");
  ASSERT_EQ(running["results"].Size(), 2u);
  std::set<std::string> moved;
  for (const auto &result : running["results"].GetArray()) {
    EXPECT_STREQ(result["status"].GetString(), "ACCEPT");
    EXPECT_STREQ(result["state"]["type"].GetString(), "RUNNING");
    EXPECT_STREQ(result["state"]["state_details"]["flow_run_id"].GetString(), result["flow_run_id"].GetString());
    moved.insert(result["flow_run_id"].GetString());
  }
  int still_pending = 0;
  for (const std::string &id : ids) {
    JsonAnswer run = read_flow_run(id);
    EXPECT_STREQ(run.json["state_type"].GetString(), moved.count(id) ? "RUNNING" : "PENDING");
    still_pending += moved.count(id) ? 0 : 1;
  }
  EXPECT_EQ(still_pending, 1);

  // Forced, every run takes the state, whatever it was in.
  auto cancelled = post("/flow_runs/bulk_set_state", selection + R"("state": {"type": "CANCELLED"}, "force": true})");
  ASSERT_EQ(cancelled["results"].Size(), 3u);
  for (const auto &result : cancelled["results"].GetArray()) {
    EXPECT_STREQ(result["status"].GetString(), "ACCEPT");
    EXPECT_STREQ(read_flow_run(result["flow_run_id"].GetString()).json["state_type"].GetString(), "CANCELLED");
  }
  auto none = post("/flow_runs/bulk_set_state", R"({"flow_runs": {"name": {"any_": ["nobody"]}},
                                                    "state": {"type": "RUNNING"}})");
  EXPECT_EQ(none["results"].Size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, RunFilters, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
