// The task run recorder's writes (services.md §1.4) on each backend, for
// batches a single event over the API cannot make: several events of one
// task run coalesced, ids and natural keys joined into one group.
#include "database/migrations.h"
#include "events/event.h"
#include "models/flow_runs.h"
#include "models/flows.h"
#include "models/recorded_task_runs.h"
#include "models/run_states.h"
#include "models/task_runs.h"
#include "support/backends.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

class TaskRunRecorderWrites : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    MigrationRunner(*database_).upgrade();
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    FlowCreate flow_create;
    flow_create.name = "etl";
    const Flow flow = create_flow(*database_, session, flow_create).flow;
    FlowRun run;
    run.id = Uuid::v4();
    run.name = "run";
    run.flow_id = flow.id;
    ASSERT_TRUE(insert_flow_run(*database_, session, run));
    flow_run_id_ = run.id;
    transaction.commit();
  }

  ReceivedEvent event(const Uuid &task_run_id, const std::string &type, const std::string &name, int64_t second,
                      const std::string &dynamic_key = "0") {
    ReceivedEvent built;
    built.id = Uuid::v7();
    built.occurred = *Timestamp::parse("2026-08-21T10:00:00Z");
    built.occurred = built.occurred.plus_seconds(static_cast<double>(second));
    built.event = "prefect.task-run." + name;
    built.resource = {{"prefect.resource.id", "prefect.task-run." + task_run_id.to_string()},
                      {"prefect.orchestration", "client"}};
    built.related = {{{"prefect.resource.id", "prefect.flow-run." + flow_run_id_.to_string()},
                      {"prefect.resource.role", "flow-run"}}};
    built.payload_json = R"({"validated_state": {"type": ")" + type + R"(", "name": ")" + name +
                         R"("}, "task_run": {"name": "add", "task_key": "add-1", "dynamic_key": ")" + dynamic_key +
                         R"(", "run_count": )" + std::to_string(second) + "}}";
    return built;
  }

  void record(const std::vector<ReceivedEvent> &events) {
    std::vector<const ReceivedEvent *> pointers;
    for (const auto &item : events) pointers.push_back(&item);
    record_task_run_events(*database_, pointers);
  }

  std::optional<TaskRun> task_run(const Uuid &id) {
    Session session = database_->session();
    return read_task_run(*database_, session, id);
  }

  size_t state_count(const Uuid &id) {
    Session session = database_->session();
    return read_run_states(*database_, session, RunKind::Task, id).size();
  }

  Uuid flow_run_id_;
};

TEST_P(TaskRunRecorderWrites, OneBatchOfOneRun_KeepsTheNewestStateAndEveryState) {
  const Uuid id = Uuid::v4();
  // Out of order within the batch, too.
  record(
      {event(id, "RUNNING", "Running", 2), event(id, "COMPLETED", "Completed", 3), event(id, "PENDING", "Pending", 1)});
  auto run = task_run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->state_type, StateType::Completed);
  EXPECT_EQ(run->run_count, 3);
  EXPECT_EQ(state_count(id), 3u);
}

TEST_P(TaskRunRecorderWrites, TwoIdsWithOneNaturalKeyInABatch_BecomeOneRun) {
  const Uuid first = Uuid::v4();
  const Uuid second = Uuid::v4();
  record({event(first, "PENDING", "Pending", 1), event(second, "RUNNING", "Running", 2)});
  const bool first_exists = task_run(first).has_value();
  const bool second_exists = task_run(second).has_value();
  EXPECT_NE(first_exists, second_exists);
  const Uuid kept = first_exists ? first : second;
  EXPECT_EQ(task_run(kept)->state_type, StateType::Running);
  EXPECT_EQ(state_count(kept), 2u);
}

TEST_P(TaskRunRecorderWrites, ALaterEventWithAnotherIdForTheSameKey_JoinsTheStoredRun) {
  const Uuid stored = Uuid::v4();
  record({event(stored, "PENDING", "Pending", 1)});
  const Uuid other = Uuid::v4();
  record({event(other, "RUNNING", "Running", 2)});
  EXPECT_FALSE(task_run(other));
  EXPECT_EQ(task_run(stored)->state_type, StateType::Running);
  EXPECT_EQ(state_count(stored), 2u);
}

TEST_P(TaskRunRecorderWrites, AnOlderEvent_AddsItsStateButLeavesTheRun) {
  const Uuid id = Uuid::v4();
  record({event(id, "COMPLETED", "Completed", 5)});
  record({event(id, "RUNNING", "Running", 2)});
  EXPECT_EQ(task_run(id)->state_type, StateType::Completed);
  EXPECT_EQ(task_run(id)->run_count, 5);
  EXPECT_EQ(state_count(id), 2u);
}

TEST_P(TaskRunRecorderWrites, TheSameEventTwice_KeepsOneState) {
  const Uuid id = Uuid::v4();
  const ReceivedEvent running = event(id, "RUNNING", "Running", 2);
  record({running});
  record({running});
  EXPECT_EQ(state_count(id), 1u);
}

TEST_P(TaskRunRecorderWrites, AnEventThatIsNotAboutATaskRun_IsRefused) {
  ReceivedEvent wrong = event(Uuid::v4(), "RUNNING", "Running", 2);
  wrong.resource["prefect.resource.id"] = "prefect.flow-run." + Uuid::v4().to_string();
  EXPECT_THROW(record({wrong}), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Backends, TaskRunRecorderWrites, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
