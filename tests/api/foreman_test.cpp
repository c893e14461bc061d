// The foreman's pass against a real server's database: workers that stop
// sending heartbeats go offline and take their pool's readiness with them;
// queues nobody polls stop being ready. Each pass is run as of a chosen
// moment, so no test waits for the clock.
#include "services/foreman.h"
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace prefectd {
namespace {

using namespace testing_support;

class ForemanTest : public RunApiTest {
 protected:
  void SetUp() override {
    RunApiTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_EQ(call("POST", "/work_pools/", "/work_pools/", R"({"name": "pool", "type": "process"})").status, 201);
  }

  // One pass as of `seconds` from now, with Prefect's default policy.
  void pass_after(int64_t seconds) {
    auto database = scratch_->open();
    Foreman foreman(*database, ForemanPolicy{}, std::chrono::hours(1));
    foreman.mark_unhealthy(Timestamp(Timestamp::now().micros() + seconds * 1'000'000));
  }

  std::string pool_status() { return call("GET", "/work_pools/pool", "/work_pools/{name}").json["status"].GetString(); }
  std::string worker_status() {
    JsonAnswer workers = call("POST", "/work_pools/pool/workers/filter", "/work_pools/{work_pool_name}/workers/filter");
    return workers.json[0]["status"].GetString();
  }
  std::string queue_status() {
    return call("GET", "/work_pools/pool/queues/default", "/work_pools/{work_pool_name}/queues/{name}")
        .json["status"]
        .GetString();
  }
};

TEST_P(ForemanTest, AWorkerSilentForThreeIntervalsGoesOfflineAndItsPoolIsNotReady) {
  ASSERT_EQ(
      send("POST", "/work_pools/pool/workers/heartbeat", R"({"name": "w", "heartbeat_interval_seconds": 10})").status,
      204);
  ASSERT_EQ(pool_status(), "READY");
  pass_after(25);
  EXPECT_EQ(worker_status(), "ONLINE") << "two and a half intervals are not yet three";
  EXPECT_EQ(pool_status(), "READY");
  pass_after(35);
  EXPECT_EQ(worker_status(), "OFFLINE");
  EXPECT_EQ(pool_status(), "NOT_READY");
  // The next heartbeat brings both back.
  ASSERT_EQ(send("POST", "/work_pools/pool/workers/heartbeat", R"({"name": "w"})").status, 204);
  EXPECT_EQ(worker_status(), "ONLINE");
  EXPECT_EQ(pool_status(), "READY");
}

TEST_P(ForemanTest, AWorkerWithoutAnIntervalIsGivenThirtySecondsAHeartbeat) {
  ASSERT_EQ(send("POST", "/work_pools/pool/workers/heartbeat", R"({"name": "w"})").status, 204);
  pass_after(85);
  EXPECT_EQ(worker_status(), "ONLINE");
  pass_after(95);
  EXPECT_EQ(worker_status(), "OFFLINE");
}

TEST_P(ForemanTest, AQueueNobodyPollsForAMinuteIsNotReady) {
  ASSERT_EQ(send("POST", "/work_pools/pool/get_scheduled_flow_runs", "{}").status, 200);
  ASSERT_EQ(queue_status(), "READY");
  pass_after(55);
  EXPECT_EQ(queue_status(), "READY");
  pass_after(65);
  EXPECT_EQ(queue_status(), "NOT_READY");
}

TEST_P(ForemanTest, APausedPoolStaysPausedWithoutWorkers) {
  ASSERT_EQ(send("PATCH", "/work_pools/pool", R"({"is_paused": true})").status, 204);
  pass_after(3600);
  EXPECT_EQ(pool_status(), "PAUSED");
}

INSTANTIATE_TEST_SUITE_P(Backends, ForemanTest, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
