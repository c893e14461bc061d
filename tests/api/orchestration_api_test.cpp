// The orchestration policies over HTTP, the way a Prefect client drives
// them: each test walks a run through its states and checks the answers
// (status, details, the state returned) and the run's bookkeeping fields.
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

class Orchestration : public RunApiTest {
 protected:
  std::string pending_flow_run(const std::string &extra = "") {
    JsonAnswer run = create_flow_run(create_flow(), extra);
    EXPECT_EQ(run.status, 201) << run.body;
    return run.json["id"].GetString();
  }
  std::string running_flow_run(const std::string &extra = "") {
    const std::string id = pending_flow_run(extra);
    expect_status(set_flow_run_state(id, R"({"type": "RUNNING"})"), "ACCEPT");
    return id;
  }
  static void expect_status(const JsonAnswer &answer, const char *status, const char *reason = nullptr) {
    ASSERT_TRUE(answer.json.IsObject()) << answer.body;
    EXPECT_STREQ(answer.json["status"].GetString(), status) << answer.body;
    if (reason != nullptr) {
      ASSERT_TRUE(answer.json["details"].HasMember("reason")) << answer.body;
      EXPECT_STREQ(answer.json["details"]["reason"].GetString(), reason) << answer.body;
    }
  }
};

TEST_P(Orchestration, FlowWithTasksRunsToCompletion) {
  const std::string flow_run = pending_flow_run();
  JsonAnswer running = set_flow_run_state(flow_run, R"({"type": "RUNNING"})");
  EXPECT_EQ(running.status, 201);
  expect_status(running, "ACCEPT");
  EXPECT_STREQ(running.json["details"]["type"].GetString(), "accept_details");
  JsonAnswer read = read_flow_run(flow_run);
  EXPECT_EQ(read.json["run_count"].GetInt(), 1);
  EXPECT_TRUE(read.json["start_time"].IsString());

  for (const char *key : {"extract", "transform", "load"}) {
    JsonAnswer task = create_task_run(flow_run, key);
    ASSERT_EQ(task.status, 201) << task.body;
    EXPECT_STREQ(task.json["state_type"].GetString(), "PENDING");
    EXPECT_STREQ(task.json["labels"]["prefect.flow-run.id"].GetString(), flow_run.c_str());
    const std::string id = task.json["id"].GetString();
    expect_status(set_task_run_state(id, R"({"type": "RUNNING"})"), "ACCEPT");
    JsonAnswer done = set_task_run_state(id, R"({"type": "COMPLETED"})");
    EXPECT_EQ(done.status, 201);
    expect_status(done, "ACCEPT");
    JsonAnswer task_read = read_task_run(id);
    EXPECT_EQ(task_read.json["run_count"].GetInt(), 1);
    EXPECT_EQ(task_read.json["flow_run_run_count"].GetInt(), 1);
    EXPECT_TRUE(task_read.json["end_time"].IsString());
    EXPECT_STREQ(task_read.json["state"]["state_details"]["task_run_id"].GetString(), id.c_str());
  }
  JsonAnswer again = create_task_run(flow_run, "extract");
  EXPECT_EQ(again.status, 200) << "the same task key and dynamic key is the same task run";

  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  expect_status(set_flow_run_state(flow_run, R"({"type": "COMPLETED"})"), "ACCEPT");
  JsonAnswer finished = read_flow_run(flow_run);
  EXPECT_STREQ(finished.json["state_type"].GetString(), "COMPLETED");
  EXPECT_TRUE(finished.json["end_time"].IsString());
  EXPECT_GT(finished.json["total_run_time"].GetDouble(), 0.0);
}

TEST_P(Orchestration, FailedFlowIsRetriedThenAccepted) {
  const std::string id = running_flow_run(R"("empirical_policy": {"retries": 1, "retry_delay": 0})");
  JsonAnswer retry = set_flow_run_state(id, R"({"type": "FAILED", "message": "boom"})");
  EXPECT_EQ(retry.status, 201) << "the AwaitingRetry substitute is written";
  expect_status(retry, "REJECT", "Retrying");
  EXPECT_STREQ(retry.json["state"]["type"].GetString(), "SCHEDULED");
  EXPECT_STREQ(retry.json["state"]["name"].GetString(), "AwaitingRetry");
  EXPECT_STREQ(retry.json["state"]["message"].GetString(), "boom");
  EXPECT_STREQ(read_flow_run(id).json["empirical_policy"]["retry_type"].GetString(), "in_process");
  expect_status(set_flow_run_state(id, R"({"type": "RUNNING"})"), "ACCEPT");
  EXPECT_EQ(read_flow_run(id).json["run_count"].GetInt(), 2);
  expect_status(set_flow_run_state(id, R"({"type": "FAILED"})"), "ACCEPT");
  EXPECT_STREQ(read_flow_run(id).json["state_type"].GetString(), "FAILED");
}

TEST_P(Orchestration, FailingTaskIsRetriedToSuccess) {
  const std::string flow_run = running_flow_run();
  const std::string task =
      create_task_run(flow_run, "flaky", R"("empirical_policy": {"retries": 2, "retry_delay": 0})").json["id"].GetString();
  expect_status(set_task_run_state(task, R"({"type": "RUNNING"})"), "ACCEPT");
  JsonAnswer retry = set_task_run_state(task, R"({"type": "FAILED"})");
  expect_status(retry, "REJECT", "Retrying");
  EXPECT_STREQ(retry.json["state"]["name"].GetString(), "AwaitingRetry");
  JsonAnswer rerun = set_task_run_state(task, R"({"type": "RUNNING"})");
  expect_status(rerun, "ACCEPT");
  EXPECT_STREQ(rerun.json["state"]["name"].GetString(), "Retrying");
  expect_status(set_task_run_state(task, R"({"type": "COMPLETED"})"), "ACCEPT");
  EXPECT_EQ(read_task_run(task).json["run_count"].GetInt(), 2);
}

TEST_P(Orchestration, CachedTaskIsHitOnTheSecondRun) {
  const std::string first_flow = running_flow_run();
  const std::string first = create_task_run(first_flow, "cached").json["id"].GetString();
  expect_status(set_task_run_state(first, R"({"type": "RUNNING"})"), "ACCEPT");
  expect_status(set_task_run_state(first, R"({"type": "COMPLETED", "state_details": {"cache_key": "k-1",
                    "cache_expiration": "2099-01-01T00:00:00Z"}})"),
                "ACCEPT");
  const std::string second_flow = running_flow_run();
  const std::string second = create_task_run(second_flow, "cached").json["id"].GetString();
  JsonAnswer hit = set_task_run_state(second, R"({"type": "RUNNING", "state_details": {"cache_key": "k-1"}})");
  EXPECT_EQ(hit.status, 201);
  expect_status(hit, "REJECT", "Retrieved state from cache");
  EXPECT_STREQ(hit.json["state"]["type"].GetString(), "COMPLETED");
  EXPECT_STREQ(hit.json["state"]["name"].GetString(), "Cached");
  const std::string third = create_task_run(second_flow, "refresh").json["id"].GetString();
  expect_status(set_task_run_state(third, R"({"type": "RUNNING", "state_details": {"cache_key": "k-1",
                    "refresh_cache": true}})"),
                "ACCEPT");
}

TEST_P(Orchestration, CrashedRunStaysCrashed) {
  const std::string id = running_flow_run();
  expect_status(set_flow_run_state(id, R"({"type": "CRASHED", "message": "SIGKILL"})"), "ACCEPT");
  JsonAnswer again = set_flow_run_state(id, R"({"type": "CRASHED"})");
  EXPECT_EQ(again.status, 200) << "nothing written";
  expect_status(again, "ABORT", "Run is already in terminal state CRASHED.");
  EXPECT_STREQ(again.json["state"]["type"].GetString(), "CRASHED");
}

TEST_P(Orchestration, CancellingGoesOnlyToCancelled) {
  const std::string id = running_flow_run();
  expect_status(set_flow_run_state(id, R"({"type": "CANCELLING"})"), "ACCEPT");
  JsonAnswer refused = set_flow_run_state(id, R"({"type": "RUNNING"})");
  EXPECT_EQ(refused.status, 200);
  expect_status(refused, "REJECT", "Cannot transition flows that are cancelling to a state other than Cancelled.");
  EXPECT_STREQ(refused.json["state"]["type"].GetString(), "CANCELLING");
  expect_status(set_flow_run_state(id, R"({"type": "CANCELLED"})"), "ACCEPT");
  EXPECT_STREQ(read_flow_run(id).json["state_type"].GetString(), "CANCELLED");
}

TEST_P(Orchestration, CancellingAScheduledRunWithoutInfrastructureCancelsIt) {
  JsonAnswer run = create_flow_run(create_flow(), R"("state": {"type": "SCHEDULED"})");
  const std::string id = run.json["id"].GetString();
  JsonAnswer cancelled = set_flow_run_state(id, R"({"type": "CANCELLING"})");
  EXPECT_EQ(cancelled.status, 201);
  expect_status(cancelled, "REJECT", "Scheduled flow run has no infrastructure to terminate.");
  EXPECT_STREQ(cancelled.json["state"]["type"].GetString(), "CANCELLED");
}

TEST_P(Orchestration, ForceBypassesTheGuards) {
  const std::string id = running_flow_run();
  expect_status(set_flow_run_state(id, R"({"type": "CANCELLING"})"), "ACCEPT");
  expect_status(set_flow_run_state(id, R"({"type": "RUNNING"})", /*force=*/true), "ACCEPT");
  EXPECT_STREQ(read_flow_run(id).json["state_type"].GetString(), "RUNNING");
}

TEST_P(Orchestration, SecondPendingIsAborted) {
  JsonAnswer run = create_flow_run(create_flow(), R"("state": {"type": "SCHEDULED"})");
  const std::string id = run.json["id"].GetString();
  expect_status(set_flow_run_state(id, R"({"type": "PENDING"})"), "ACCEPT");
  expect_status(set_flow_run_state(id, R"({"type": "PENDING"})"), "ABORT",
                "This run is in a PENDING state and cannot transition to a PENDING state.");
  expect_status(set_flow_run_state(id, R"({"type": "PENDING", "name": "Submitting"})"), "ACCEPT");
}

TEST_P(Orchestration, EarlyRunIsToldToWait) {
  JsonAnswer run = create_flow_run(
      create_flow(), R"("state": {"type": "SCHEDULED", "state_details": {"scheduled_time": "2099-01-01T00:00:00Z"}})");
  const std::string id = run.json["id"].GetString();
  expect_status(set_flow_run_state(id, R"({"type": "PENDING"})"), "ACCEPT");
  JsonAnswer wait = set_flow_run_state(id, R"({"type": "RUNNING"})");
  EXPECT_EQ(wait.status, 200);
  expect_status(wait, "WAIT", "Scheduled time is in the future");
  EXPECT_GT(wait.json["details"]["delay_seconds"].GetDouble(), 1e9);
}

TEST_P(Orchestration, DuplicateTransitionIdReturnsTheCurrentState) {
  const std::string id = pending_flow_run();
  const char *running = R"({"type": "RUNNING", "state_details": {"transition_id": "0b0c9a4e-6f53-4a8b-9b43-1d2f3a4b5c6d"}})";
  JsonAnswer first = set_flow_run_state(id, running);
  expect_status(first, "ACCEPT");
  JsonAnswer again = set_flow_run_state(id, running);
  EXPECT_EQ(again.status, 200);
  expect_status(again, "REJECT", "This run has already made this state transition.");
  EXPECT_STREQ(again.json["state"]["id"].GetString(), first.json["state"]["id"].GetString());
}

TEST_P(Orchestration, TasksCannotRunInAFlowThatIsNotRunning) {
  const std::string flow_run = pending_flow_run();
  const std::string task = create_task_run(flow_run, "early").json["id"].GetString();
  expect_status(set_task_run_state(task, R"({"type": "RUNNING"})"), "ABORT",
                "The enclosing flow must be running to begin task execution.");
}

TEST_P(Orchestration, PausedRunResumes) {
  const std::string id = running_flow_run();
  JsonAnswer paused = set_flow_run_state(
      id, R"({"type": "PAUSED", "state_details": {"pause_key": "approval", "pause_timeout": "2099-01-01T00:00:00Z"}})");
  expect_status(paused, "ACCEPT");
  EXPECT_STREQ(read_flow_run(id).json["empirical_policy"]["pause_keys"][0].GetString(), "approval");
  JsonAnswer resumed = call("POST", "/flow_runs/" + id + "/resume", "/flow_runs/{id}/resume", "{}");
  EXPECT_EQ(resumed.status, 201) << resumed.body;
  expect_status(resumed, "ACCEPT");
  EXPECT_STREQ(resumed.json["state"]["type"].GetString(), "RUNNING");
  // Resuming in process re-enters RUNNING (a second run count, as in
  // Prefect, whose resuming flag is set only after the transition) and
  // leaves the flag for the next RUNNING proposal.
  JsonAnswer read = read_flow_run(id);
  EXPECT_EQ(read.json["run_count"].GetInt(), 2);
  EXPECT_TRUE(read.json["empirical_policy"]["resuming"].GetBool());
  JsonAnswer repeat = set_flow_run_state(id, R"({"type": "PAUSED", "state_details": {"pause_key": "approval"}})");
  expect_status(repeat, "REJECT", "This pause has already fired.");
  JsonAnswer not_paused = call("POST", "/flow_runs/" + id + "/resume", "/flow_runs/{id}/resume", "{}");
  expect_status(not_paused, "ABORT", "Cannot resume a flow run that is not paused.");
}

TEST_P(Orchestration, TagConcurrencyLimitsHoldTasksBack) {
  // v1 limits have no API of their own yet: written as Prefect stores them.
  {
    auto database = scratch_->open();
    Session session = database->session();
    const QueryComponents &q = database->queries();
    for (auto [tag, limit] : {std::pair{"db", 1}, std::pair{"frozen", 0}}) {
      session
          .prepare("INSERT INTO concurrency_limit (id, created, updated, tag, concurrency_limit, active_slots) VALUES (" +
                   q.placeholder_list(1, 5) + ", '[]')")
          .bind(1, Uuid::v4())
          .bind(2, Timestamp::now())
          .bind(3, Timestamp::now())
          .bind(4, tag)
          .bind(5, limit)
          .execute();
    }
  }
  const std::string flow_run = running_flow_run();
  const std::string first = create_task_run(flow_run, "a", R"("tags": ["db"])").json["id"].GetString();
  const std::string second = create_task_run(flow_run, "b", R"("tags": ["db"])").json["id"].GetString();
  expect_status(set_task_run_state(first, R"({"type": "RUNNING"})"), "ACCEPT");
  JsonAnswer held = set_task_run_state(second, R"({"type": "RUNNING"})");
  expect_status(held, "WAIT", "Concurrency limit for the db tag has been reached");
  EXPECT_EQ(held.json["details"]["delay_seconds"].GetDouble(), 10.0);
  expect_status(set_task_run_state(first, R"({"type": "COMPLETED"})"), "ACCEPT");
  expect_status(set_task_run_state(second, R"({"type": "RUNNING"})"), "ACCEPT");
  const std::string frozen = create_task_run(flow_run, "c", R"("tags": ["frozen"])").json["id"].GetString();
  expect_status(set_task_run_state(frozen, R"({"type": "RUNNING"})"), "ABORT",
                "The concurrency limit on tag \"frozen\" is 0 and will deadlock if the task tries to run again.");
}

TEST_P(Orchestration, ConcurrentProposalsHaveOneWinner) {
  JsonAnswer run = create_flow_run(create_flow(), R"("state": {"type": "SCHEDULED"})");
  const std::string id = run.json["id"].GetString();
  std::multiset<std::string> statuses;
  for (const HttpResult &result :
       send_together(16, "POST", "/flow_runs/" + id + "/set_state", R"({"state": {"type": "PENDING"}})")) {
    statuses.insert(result.status == 503 ? "RETRYABLE" : parse_json(result.body)["status"].GetString());
  }
  EXPECT_EQ(statuses.count("ACCEPT"), 1u);
  EXPECT_EQ(statuses.count("ACCEPT") + statuses.count("ABORT"), 16u);
  JsonAnswer states = call("GET", "/flow_run_states/?flow_run_id=" + id, "/flow_run_states/");
  EXPECT_EQ(states.json.Size(), 2u) << "SCHEDULED and one PENDING, nothing more";
}

INSTANTIATE_TEST_SUITE_P(Backends, Orchestration, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
