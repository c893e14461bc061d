// Which bookkeeping columns a transition writes back: exactly those it
// changed (an unchanged indexed column would cost index pages; a changed
// one left out would be lost).
#include "models/run_bookkeeping.h"
#include "schemas/flow_run.h"

#include <gtest/gtest.h>

namespace prefectd {
namespace {

using Names = std::vector<std::string>;

FlowRun pending_run() {
  FlowRun run;
  run.state_id = Uuid::parse("0198d4c7-1111-7000-8000-000000000001");
  run.state_type = StateType::Pending;
  run.state_name = "Pending";
  run.state_timestamp = Timestamp(1'000'000);
  run.expected_start_time = Timestamp(500'000);
  return run;
}

TEST(RunBookkeeping, AnUnchangedRunWritesNothing) {
  const FlowRun run = pending_run();
  EXPECT_EQ(changed_run_bookkeeping(run, run).names(), Names{});
}

TEST(RunBookkeeping, StartingARunWritesItsStateCountAndStartOnly) {
  const FlowRun before = pending_run();
  FlowRun after = before;
  after.state_id = Uuid::parse("0198d4c7-1111-7000-8000-000000000002");
  after.state_type = StateType::Running;
  after.state_name = "Running";
  after.state_timestamp = Timestamp(2'000'000);
  after.run_count = 1;
  after.start_time = Timestamp(2'000'000);
  EXPECT_EQ(changed_run_bookkeeping(before, after).names(),
            (Names{"state_id", "state_type", "state_name", "state_timestamp", "run_count", "start_time"}));
}

TEST(RunBookkeeping, EndingARunWritesItsEndAndRunTime) {
  FlowRun before = pending_run();
  before.start_time = Timestamp(2'000'000);
  FlowRun after = before;
  after.end_time = Timestamp(5'000'000);
  after.total_run_time_micros = 3'000'000;
  after.next_scheduled_start_time = Timestamp(6'000'000);
  after.expected_start_time.reset();
  EXPECT_EQ(changed_run_bookkeeping(before, after).names(),
            (Names{"expected_start_time", "next_scheduled_start_time", "end_time", "total_run_time"}));
}

}  // namespace
}  // namespace prefectd
