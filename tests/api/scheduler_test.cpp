// The scheduler's pass against a real server's database: a deployment's
// active schedules get their runs ahead of time, once, shaped as Prefect
// makes them; paused deployments and inactive schedules get none. Passes
// are run as of a chosen moment, so no test waits for the clock.
#include "services/scheduler.h"
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace prefectd {
namespace {

using namespace testing_support;

class SchedulerTest : public RunApiTest {
 protected:
  // One pass with Prefect's default policy; the runs it inserted.
  int64_t pass(Timestamp now = Timestamp::now()) {
    auto database = scratch_->open();
    ConcurrencyLeaseStorage leases;
    const OrchestrationSettings orchestration;
    const SlotWaitCaps slot_waits;
    Scheduler scheduler(*database, orchestration, slot_waits, leases, SchedulerPolicy{});
    return scheduler.schedule_runs(now);
  }

  std::string create_deployment(const std::string &extra) {
    const std::string flow_id = create_flow("scheduled-flow");
    JsonAnswer created = call("POST", "/deployments/", "/deployments/",
                              R"({"name": "d", "flow_id": ")" + flow_id + R"(", )" + extra + "}");
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json["id"].GetString();
  }

  JsonAnswer runs_of(const std::string &deployment_id) {
    return call(
        "POST", "/flow_runs/filter", "/flow_runs/filter",
        R"({"deployments": {"id": {"any_": [")" + deployment_id + R"("]}}, "sort": "EXPECTED_START_TIME_ASC"})");
  }
};

TEST_P(SchedulerTest, AnHourlyScheduleGetsThreeRunsAheadOnce) {
  const std::string id = create_deployment(
      R"("tags": ["etl"], "parameters": {"a": 1, "b": 1}, "schedules": [{"schedule": {"interval": 3600, "anchor_date": "2020-01-01T00:00:00Z"}, "parameters": {"b": 2}, "slug": "hourly"}])");
  EXPECT_EQ(pass(), 3);
  JsonAnswer runs = runs_of(id);
  ASSERT_EQ(runs.json.Size(), 3u) << runs.body;
  const rapidjson::Value &first = runs.json[0];
  EXPECT_STREQ(first["state_type"].GetString(), "SCHEDULED");
  EXPECT_STREQ(first["state"]["message"].GetString(), "Flow run scheduled");
  EXPECT_TRUE(first["auto_scheduled"].GetBool());
  EXPECT_STREQ(first["tags"][0].GetString(), "auto-scheduled");
  EXPECT_STREQ(first["tags"][1].GetString(), "etl");
  EXPECT_EQ(first["parameters"]["a"].GetInt(), 1);
  EXPECT_EQ(first["parameters"]["b"].GetInt(), 2) << "the schedule's parameters win";
  EXPECT_STREQ(first["created_by"]["type"].GetString(), "SCHEDULE");
  EXPECT_STREQ(first["created_by"]["display_value"].GetString(), "hourly");
  EXPECT_STREQ(first["labels"]["prefect.deployment.id"].GetString(), id.c_str());
  const std::string minute_and_second = std::string(first["expected_start_time"].GetString()).substr(13, 6);
  EXPECT_EQ(minute_and_second, ":00:00") << "on the anchor's hour marks";
  EXPECT_EQ(pass(), 0) << "the schedule is already ahead";
  EXPECT_EQ(runs_of(id).json.Size(), 3u);
}

TEST_P(SchedulerTest, ALaterPassTopsTheScheduleUp) {
  const std::string id =
      create_deployment(R"("schedules": [{"schedule": {"interval": 3600, "anchor_date": "2020-01-01T00:00:00Z"}}])");
  ASSERT_EQ(pass(), 3);
  // Two hours on, one of the three runs is in the past: more are made, the
  // existing ones are not made twice.
  EXPECT_GT(pass(Timestamp::now().plus_seconds(2 * 3600)), 0);
  JsonAnswer runs = runs_of(id);
  std::set<std::string> times;
  for (const auto &run : runs.json.GetArray()) times.insert(run["expected_start_time"].GetString());
  EXPECT_EQ(times.size(), runs.json.Size()) << "one run per occurrence";
}

TEST_P(SchedulerTest, PausedDeploymentsAndInactiveSchedulesGetNoRuns) {
  const std::string paused = create_deployment(R"("paused": true, "schedules": [{"schedule": {"interval": 3600}}])");
  EXPECT_EQ(pass(), 0);
  EXPECT_EQ(runs_of(paused).json.Size(), 0u);
  ASSERT_EQ(send("POST", "/deployments/" + paused + "/resume_deployment", "").status, 200);
  ASSERT_EQ(
      send("PATCH", "/deployments/" + paused, R"({"schedules": [{"schedule": {"interval": 3600}, "active": false}]})")
          .status,
      204);
  EXPECT_EQ(pass(), 0);
}

TEST_P(SchedulerTest, PausingDeletesTheRunsTheSchedulerMade) {
  const std::string id = create_deployment(R"("schedules": [{"schedule": {"cron": "0 * * * *"}}])");
  ASSERT_EQ(pass(), 3);
  JsonAnswer manual =
      call("POST", "/deployments/" + id + "/create_flow_run", "/deployments/{id}/create_flow_run", "{}");
  ASSERT_EQ(manual.status, 201) << manual.body;
  ASSERT_EQ(send("POST", "/deployments/" + id + "/pause_deployment", "").status, 200);
  JsonAnswer left = runs_of(id);
  ASSERT_EQ(left.json.Size(), 1u) << left.body;
  EXPECT_STREQ(left.json[0]["id"].GetString(), manual.json["id"].GetString());
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
