// Events in (api-surface.md §2.11, §3.1) and the task run recorder
// (services.md §1.4): a 3.x client's task runs, reported as events over
// /api/events/in or POST /events, read back through the REST API.
#include "support/run_api_test.h"
#include "support/websocket_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace prefectd {
namespace {

using namespace testing_support;
using Kind = WebSocketMessage::Kind;

constexpr const char *kEventsIn = "/api/events/in";

std::string new_uuid(int n) {
  char text[40];
  std::snprintf(text, sizeof text, "0198d4c7-%04x-7000-8000-%012x", n & 0xffff, n);
  return text;
}

// A task run state change as a 3.x client reports it (services.md §1.4).
struct TaskRunEvent {
  TaskRunEvent(std::string event_id_, std::string task_run_id_, std::string flow_run_id_, std::string state_type_,
               std::string state_name_, std::string occurred_, std::string task_key_ = "add-ab12",
               std::string dynamic_key_ = "0", std::string task_run_extra_ = "")
      : event_id(std::move(event_id_)),
        task_run_id(std::move(task_run_id_)),
        flow_run_id(std::move(flow_run_id_)),
        state_type(std::move(state_type_)),
        state_name(std::move(state_name_)),
        occurred(std::move(occurred_)),
        task_key(std::move(task_key_)),
        dynamic_key(std::move(dynamic_key_)),
        task_run_extra(std::move(task_run_extra_)) {}

  std::string event_id;
  std::string task_run_id;
  std::string flow_run_id;  // "" for none
  std::string state_type;   // "RUNNING"
  std::string state_name;   // "Running"
  std::string occurred;     // "2026-08-21T10:00:01.500000Z"
  std::string task_key;
  std::string dynamic_key;
  std::string task_run_extra;  // more members of payload.task_run, with a leading comma
  std::string orchestration = "client";

  std::string json() const {
    std::string related = flow_run_id.empty() ? "[]"
                                              : R"([{"prefect.resource.id": "prefect.flow-run.)" + flow_run_id +
                                                    R"(", "prefect.resource.role": "flow-run"}])";
    return R"({"id": ")" + event_id + R"(", "occurred": ")" + occurred + R"(", "event": "prefect.task-run.)" +
           state_name + R"(", "resource": {"prefect.resource.id": "prefect.task-run.)" + task_run_id +
           R"(", "prefect.resource.name": "add-1", "prefect.state-type": ")" + state_type +
           R"(", "prefect.orchestration": ")" + orchestration + R"("}, "related": )" + related +
           R"(, "payload": {"intended": {"from": null, "to": ")" + state_type + R"("}, "validated_state": {"type": ")" +
           state_type + R"(", "name": ")" + state_name +
           R"(", "message": "", "state_details": {}, "data": null}, "task_run": {"name": "add-1", "task_key": ")" +
           task_key + R"(", "dynamic_key": ")" + dynamic_key +
           R"(", "run_count": 1, "flow_run_run_count": 1, "empirical_policy": {"retries": 0, "retry_delay": 0}, )"
           R"("tags": ["math"], "labels": {}, "task_inputs": {"x": []}, "expected_start_time": "2026-08-21T10:00:00Z")" +
           task_run_extra + "}}}";
  }
};

class Events : public RunApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!IsSkipped()) start({{"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL", "0.05"}});
  }

  std::string flow_run() {
    JsonAnswer created = create_flow_run(create_flow());
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json["id"].GetString();
  }

  // An authenticated /events/in socket.
  std::unique_ptr<WebSocketClient> events_in() {
    auto socket = std::make_unique<WebSocketClient>(server_->port(), kEventsIn, std::vector<std::string>{"prefect"});
    EXPECT_EQ(socket->status(), 101);
    socket->send_text(R"({"type": "auth", "token": null})");
    EXPECT_EQ(socket->next().kind, Kind::Text);
    return socket;
  }

  // Polls GET /task_runs/{id} until `accept` holds or two seconds pass;
  // the last answer is checked against the contract.
  template <typename Accept>
  JsonAnswer wait_for_task_run(const std::string &id, Accept accept) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (true) {
      HttpResult answer = get("/task_runs/" + id);
      if (answer.status == 200 && accept(parse_json(answer.body))) break;
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "task run " << id << " never got there: " << answer.status << " " << answer.body << "\n"
                      << server_->output();
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return read_task_run(id);
  }

  JsonAnswer wait_for_state(const std::string &id, const std::string &state_type) {
    return wait_for_task_run(id, [&](const rapidjson::Document &run) {
      return run["state_type"].IsString() && run["state_type"].GetString() == state_type;
    });
  }

  JsonAnswer states_of(const std::string &task_run_id) {
    return call("GET", "/task_run_states/?task_run_id=" + task_run_id, "/task_run_states/");
  }
};

TEST_P(Events, PostEvents_Answers204) {
  TaskRunEvent event{new_uuid(1), new_uuid(2), "", "RUNNING", "Running", "2026-08-21T10:00:01Z"};
  HttpResult answer = send("POST", "/events", "[" + event.json() + "]");
  EXPECT_EQ(answer.status, 204) << answer.body;
  expect_contract("POST", "/events", answer);
}

TEST_P(Events, PostEvents_ResourceWithoutId_Is422AtTheResource) {
  HttpResult answer = send(
      "POST", "/events",
      R"([{"id": ")" + new_uuid(1) +
          R"(", "occurred": "2026-08-21T10:00:01Z", "event": "x.y", "resource": {"prefect.resource.name": "a"}}])");
  ASSERT_EQ(answer.status, 422) << answer.body;
  expect_contract("POST", "/events", answer);
  auto body = parse_json(answer.body);
  const auto &issue = body["exception_detail"][0];
  EXPECT_STREQ(issue["type"].GetString(), "value_error");
  EXPECT_STREQ(issue["msg"].GetString(), "Value error, Resources must include the prefect.resource.id label");
  ASSERT_EQ(issue["loc"].Size(), 3u);
  EXPECT_STREQ(issue["loc"][0].GetString(), "body");
  EXPECT_EQ(issue["loc"][1].GetInt(), 0);
  EXPECT_STREQ(issue["loc"][2].GetString(), "resource");
}

TEST_P(Events, PostEvents_RelatedWithoutRole_Is422AtThatRelatedResource) {
  HttpResult answer = send("POST", "/events",
                           R"([{"id": ")" + new_uuid(1) +
                               R"(", "occurred": "2026-08-21T10:00:01Z", "event": "x.y", "resource": )"
                               R"({"prefect.resource.id": "a"}, "related": [{"prefect.resource.id": "b"}]}])");
  ASSERT_EQ(answer.status, 422) << answer.body;
  auto body = parse_json(answer.body);
  const auto &issue = body["exception_detail"][0];
  EXPECT_STREQ(issue["msg"].GetString(), "Value error, Related Resources must include the prefect.resource.role label");
  ASSERT_EQ(issue["loc"].Size(), 4u);
  EXPECT_STREQ(issue["loc"][2].GetString(), "related");
  EXPECT_EQ(issue["loc"][3].GetInt(), 0);
}

TEST_P(Events, PostEvents_MissingFieldsAndWrongShape_Are422) {
  EXPECT_EQ(send("POST", "/events", R"([{"event": "x.y"}])").status, 422);
  EXPECT_EQ(send("POST", "/events", R"({"event": "x.y"})").status, 422);
}

TEST_P(Events, EventsIn_FrameThatIsNotJson_FailsTheSocket) {
  auto socket = events_in();
  socket->send_text("{not json");
  WebSocketMessage closed = socket->wait_closed();
  ASSERT_EQ(closed.kind, Kind::Close);
  EXPECT_EQ(closed.close_code, 1011);
}

TEST_P(Events, EventsIn_EventWithoutResourceId_FailsTheSocket) {
  auto socket = events_in();
  socket->send_text(R"({"id": ")" + new_uuid(1) +
                    R"(", "occurred": "2026-08-21T10:00:01Z", "event": "x.y", "resource": {}})");
  WebSocketMessage closed = socket->wait_closed();
  ASSERT_EQ(closed.kind, Kind::Close);
  EXPECT_EQ(closed.close_code, 1011);
}

TEST_P(Events, TaskLifecycleSentAsEvents_IsReadBackThroughTheRestApi) {
  const std::string flow_run_id = flow_run();
  const std::string task_run_id = new_uuid(100);
  auto socket = events_in();
  socket->send_text(
      TaskRunEvent{new_uuid(101), task_run_id, flow_run_id, "PENDING", "Pending", "2026-08-21T10:00:01Z"}.json());
  socket->send_text(TaskRunEvent{new_uuid(102), task_run_id, flow_run_id, "RUNNING", "Running", "2026-08-21T10:00:02Z",
                                 "add-ab12", "0", R"(, "start_time": "2026-08-21T10:00:02Z")"}
                        .json());
  socket->send_text(TaskRunEvent{new_uuid(103), task_run_id, flow_run_id, "COMPLETED", "Completed",
                                 "2026-08-21T10:00:03.250000Z", "add-ab12", "0",
                                 R"(, "start_time": "2026-08-21T10:00:02Z", "end_time": "2026-08-21T10:00:03.25Z", )"
                                 R"("total_run_time": 1.25)"}
                        .json());

  JsonAnswer run = wait_for_state(task_run_id, "COMPLETED");
  ASSERT_EQ(run.status, 200) << run.body;
  ASSERT_STREQ(run.json["state_type"].GetString(), "COMPLETED") << run.body;
  EXPECT_STREQ(run.json["id"].GetString(), task_run_id.c_str());
  EXPECT_STREQ(run.json["flow_run_id"].GetString(), flow_run_id.c_str());
  EXPECT_STREQ(run.json["state_name"].GetString(), "Completed");
  EXPECT_STREQ(run.json["state_id"].GetString(), new_uuid(103).c_str());
  EXPECT_STREQ(run.json["state"]["id"].GetString(), new_uuid(103).c_str());
  EXPECT_STREQ(run.json["state"]["state_details"]["task_run_id"].GetString(), task_run_id.c_str());
  EXPECT_STREQ(run.json["task_key"].GetString(), "add-ab12");
  EXPECT_STREQ(run.json["start_time"].GetString(), "2026-08-21T10:00:02Z");
  EXPECT_STREQ(run.json["end_time"].GetString(), "2026-08-21T10:00:03.250000Z");
  EXPECT_DOUBLE_EQ(run.json["total_run_time"].GetDouble(), 1.25);
  EXPECT_EQ(run.json["run_count"].GetInt(), 1);
  EXPECT_STREQ(run.json["tags"][0].GetString(), "math");

  JsonAnswer filtered = call("POST", "/task_runs/filter", "/task_runs/filter",
                             R"({"flow_runs": {"id": {"any_": [")" + flow_run_id + R"("]}}})");
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  ASSERT_EQ(filtered.json.Size(), 1u);
  EXPECT_STREQ(filtered.json[0]["id"].GetString(), task_run_id.c_str());

  JsonAnswer states = states_of(task_run_id);
  ASSERT_EQ(states.status, 200) << states.body;
  ASSERT_EQ(states.json.Size(), 3u) << states.body;
  EXPECT_STREQ(states.json[0]["type"].GetString(), "PENDING");
  EXPECT_STREQ(states.json[1]["type"].GetString(), "RUNNING");
  EXPECT_STREQ(states.json[2]["type"].GetString(), "COMPLETED");
  EXPECT_STREQ(states.json[2]["timestamp"].GetString(), "2026-08-21T10:00:03.250000Z");
}

TEST_P(Events, AnEventShapedAsA3xClientSendsIt_IsRecordedWithItsResultRecord) {
  // As emit_task_run_state_change_event builds it: offsets in timestamps,
  // tags as related resources, nulls left out of task_run, a result record.
  const std::string flow_run_id = flow_run();
  const std::string task_run_id = new_uuid(700);
  auto socket = events_in();
  socket->send_text(
      R"({"id": ")" + new_uuid(701) +
      R"(", "occurred": "2026-08-21T10:00:01.500000+00:00", "event": "prefect.task-run.Completed", )"
      R"("resource": {"prefect.resource.id": "prefect.task-run.)" +
      task_run_id +
      R"(", "prefect.resource.name": "add-1", "prefect.run-count": "1", "prefect.state-message": "", )"
      R"("prefect.state-name": "Completed", "prefect.state-timestamp": "2026-08-21T10:00:01.500000+00:00", )"
      R"("prefect.state-type": "COMPLETED", "prefect.orchestration": "client"}, )"
      R"("related": [{"prefect.resource.id": "prefect.tag.math", "prefect.resource.role": "tag"}, )"
      R"({"prefect.resource.id": "prefect.flow-run.)" +
      flow_run_id +
      R"(", "prefect.resource.role": "flow-run", "prefect.resource.name": "calm-beaver"}], )"
      R"("payload": {"intended": {"from": "RUNNING", "to": "COMPLETED"}, )"
      R"("initial_state": {"type": "RUNNING", "name": "Running", "message": "", "state_details": {}}, )"
      R"("validated_state": {"type": "COMPLETED", "name": "Completed", "message": "", )"
      R"("state_details": {"cache_key": "k-1", "untrackable_result": false}, )"
      R"("data": {"storage_key": "/tmp/results/abc", "expiration": null, "serializer": {"type": "pickle"}, )"
      R"("prefect_version": "3.8.0", "storage_block_id": null}}, )"
      R"("task_run": {"name": "add-1", "task_key": "add-ab12", "dynamic_key": "0", "cache_key": "k-1", )"
      R"("empirical_policy": {"max_retries": 0, "retry_delay_seconds": 0.0, "retries": 0, "retry_delay": 0}, )"
      R"("tags": ["math"], "labels": {"prefect.flow-run.id": ")" +
      flow_run_id +
      R"("}, "task_inputs": {"x": [{"input_type": "parameter", "name": "x"}]}, "run_count": 1, )"
      R"("flow_run_run_count": 1, "expected_start_time": "2026-08-21T10:00:00.100000+00:00", )"
      R"("start_time": "2026-08-21T10:00:01+00:00", "end_time": "2026-08-21T10:00:01.500000+00:00", )"
      R"("total_run_time": 0.5}}, "follows": null})");
  JsonAnswer run = wait_for_state(task_run_id, "COMPLETED");
  ASSERT_STREQ(run.json["state_type"].GetString(), "COMPLETED") << run.body;
  EXPECT_STREQ(run.json["cache_key"].GetString(), "k-1");
  EXPECT_STREQ(run.json["task_inputs"]["x"][0]["input_type"].GetString(), "parameter");
  EXPECT_STREQ(run.json["state"]["timestamp"].GetString(), "2026-08-21T10:00:01.500000Z");
  EXPECT_STREQ(run.json["state"]["state_details"]["cache_key"].GetString(), "k-1");
  EXPECT_STREQ(run.json["state"]["state_details"]["flow_run_id"].GetString(), flow_run_id.c_str());
  EXPECT_STREQ(run.json["state"]["data"]["storage_key"].GetString(), "/tmp/results/abc");
  JsonAnswer states = states_of(task_run_id);
  ASSERT_EQ(states.json.Size(), 1u) << states.body;
  EXPECT_STREQ(states.json[0]["data"]["serializer"]["type"].GetString(), "pickle");
}

TEST_P(Events, OutOfOrderEvents_NeverMoveTheRunBackButEveryStateIsKept) {
  const std::string flow_run_id = flow_run();
  const std::string task_run_id = new_uuid(200);
  auto socket = events_in();
  socket->send_text(
      TaskRunEvent{new_uuid(203), task_run_id, flow_run_id, "COMPLETED", "Completed", "2026-08-21T10:00:03Z"}.json());
  ASSERT_EQ(wait_for_state(task_run_id, "COMPLETED").status, 200);
  socket->send_text(
      TaskRunEvent{new_uuid(202), task_run_id, flow_run_id, "RUNNING", "Running", "2026-08-21T10:00:02Z"}.json());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  JsonAnswer states = states_of(task_run_id);
  while (states.json.Size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    states = states_of(task_run_id);
  }
  ASSERT_EQ(states.json.Size(), 2u) << states.body;
  EXPECT_STREQ(states.json[0]["type"].GetString(), "RUNNING");  // ordered by timestamp
  JsonAnswer run = read_task_run(task_run_id);
  EXPECT_STREQ(run.json["state_type"].GetString(), "COMPLETED");
  EXPECT_STREQ(run.json["state_id"].GetString(), new_uuid(203).c_str());
}

TEST_P(Events, EventForANaturalKeyAlreadyHeld_UpdatesThatRunUnderItsOwnId) {
  const std::string flow_run_id = flow_run();
  JsonAnswer existing = create_task_run(flow_run_id, "add-ab12");  // dynamic_key "0"
  ASSERT_EQ(existing.status, 201) << existing.body;
  const std::string existing_id = existing.json["id"].GetString();
  const std::string event_task_run_id = new_uuid(300);
  auto socket = events_in();
  // Later than the Pending state the REST create gave the run.
  socket->send_text(TaskRunEvent{new_uuid(301), event_task_run_id, flow_run_id, "RUNNING", "Running",
                                 "2099-08-21T10:00:02Z", "add-ab12", "0"}
                        .json());
  JsonAnswer run = wait_for_state(existing_id, "RUNNING");
  ASSERT_STREQ(run.json["state_type"].GetString(), "RUNNING") << run.body;
  EXPECT_STREQ(run.json["state_id"].GetString(), new_uuid(301).c_str());
  EXPECT_EQ(get("/task_runs/" + event_task_run_id).status, 404);
  JsonAnswer states = states_of(existing_id);
  ASSERT_EQ(states.json.Size(), 2u) << states.body;  // the REST create's Pending, then the event's
  EXPECT_STREQ(states.json[1]["id"].GetString(), new_uuid(301).c_str());
  EXPECT_STREQ(states.json[1]["state_details"]["task_run_id"].GetString(), existing_id.c_str());
}

TEST_P(Events, TaskRunEventsPostedOverHttp_AreRecordedToo) {
  const std::string flow_run_id = flow_run();
  const std::string task_run_id = new_uuid(400);
  HttpResult posted = send(
      "POST", "/events",
      "[" + TaskRunEvent{new_uuid(401), task_run_id, flow_run_id, "RUNNING", "Running", "2026-08-21T10:00:02Z"}.json() +
          "]");
  ASSERT_EQ(posted.status, 204) << posted.body;
  EXPECT_STREQ(wait_for_state(task_run_id, "RUNNING").json["state_type"].GetString(), "RUNNING");
}

TEST_P(Events, EventsNotFromAClientOrchestratingItsTasks_AreNotRecorded) {
  const std::string flow_run_id = flow_run();
  TaskRunEvent server_side{new_uuid(501), new_uuid(500), flow_run_id, "RUNNING", "Running", "2026-08-21T10:00:02Z"};
  server_side.orchestration = "server";
  auto socket = events_in();
  socket->send_text(server_side.json());
  // A later client event is recorded; by then the first has been passed over.
  const std::string recorded_id = new_uuid(510);
  socket->send_text(
      TaskRunEvent{new_uuid(511), recorded_id, flow_run_id, "RUNNING", "Running", "2026-08-21T10:00:02Z", "other-key"}
          .json());
  ASSERT_STREQ(wait_for_state(recorded_id, "RUNNING").json["state_type"].GetString(), "RUNNING");
  EXPECT_EQ(get("/task_runs/" + new_uuid(500)).status, 404);
}

// The recorder at its default flush interval (5 s): a batch of one is
// written at once, and a failing event is retried behind the others.
class RecorderDefaults : public Events {
 protected:
  void SetUp() override { RunApiTest::SetUp(); }
};

TEST_P(RecorderDefaults, AnEventThatCannotBeWritten_DoesNotHoldUpTheOthers) {
  const std::string flow_run_id = flow_run();
  auto socket = events_in();
  // No such flow run: the foreign key refuses the task run.
  socket->send_text(
      TaskRunEvent{new_uuid(601), new_uuid(600), new_uuid(699), "RUNNING", "Running", "2026-08-21T10:00:02Z"}.json());
  const std::string recorded_id = new_uuid(610);
  socket->send_text(
      TaskRunEvent{new_uuid(611), recorded_id, flow_run_id, "RUNNING", "Running", "2026-08-21T10:00:02Z"}.json());
  EXPECT_STREQ(wait_for_state(recorded_id, "RUNNING").json["state_type"].GetString(), "RUNNING");
  EXPECT_EQ(get("/task_runs/" + new_uuid(600)).status, 404);
}

// The event persister (services.md §1.5) and POST /events/filter (api-surface.md §2.11).
class StoredEvents : public RunApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!IsSkipped()) {
      start({{"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE", "1"},
             {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL", "0.05"}});
    }
  }

  static std::string event(int n, const std::string &name, const std::string &occurred, const std::string &resource,
                           const std::string &related = "[]") {
    return R"({"id": ")" + new_uuid(n) + R"(", "occurred": ")" + occurred + R"(", "event": ")" + name +
           R"(", "resource": {"prefect.resource.id": ")" + resource + R"(", "color": "blue"}, "related": )" + related +
           R"(, "payload": {"n": )" + std::to_string(n) + "}}";
  }

  JsonAnswer filter(const std::string &body) { return call("POST", "/events/filter", "/events/filter", body); }

  // Posts `events` and waits until the persister has stored `expected` events in all.
  void post_and_wait(const std::string &events, int64_t expected) {
    HttpResult posted = send("POST", "/events", events);
    ASSERT_EQ(posted.status, 204) << posted.body;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (filter("{}").json["total"].GetInt64() < expected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void store_three() {
    post_and_wait("[" + event(1, "prefect.flow-run.Running", "2026-11-01T10:00:00Z", "prefect.flow-run.a") + ", " +
                      event(2, "prefect.task-run.Completed", "2026-11-01T10:00:02Z", "prefect.task-run.b",
                            R"([{"prefect.resource.id": "prefect.flow-run.a", "prefect.resource.role": "flow-run"}])") +
                      ", " + event(3, "prefect.work-pool.ready", "2026-11-01T10:00:01Z", "prefect.work-pool.c") + "]",
                  3);
  }

  static std::vector<std::string> ids(const JsonAnswer &page) {
    std::vector<std::string> found;
    for (const auto &stored : page.json["events"].GetArray()) found.emplace_back(stored["id"].GetString());
    return found;
  }
};

TEST_P(StoredEvents, PostedEvents_AreStoredAndReadNewestFirst) {
  store_three();
  JsonAnswer page = filter("{}");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.json["total"].GetInt(), 3);
  EXPECT_TRUE(page.json["next_page"].IsNull());
  EXPECT_EQ(ids(page), (std::vector<std::string>{new_uuid(2), new_uuid(3), new_uuid(1)}));
  const auto &completed = page.json["events"][0];
  EXPECT_STREQ(completed["event"].GetString(), "prefect.task-run.Completed");
  EXPECT_STREQ(completed["resource"]["color"].GetString(), "blue");
  EXPECT_STREQ(completed["related"][0]["prefect.resource.role"].GetString(), "flow-run");
  EXPECT_EQ(completed["payload"]["n"].GetInt(), 2);
  EXPECT_TRUE(completed["received"].IsString());
}

TEST_P(StoredEvents, AnEventSentTwice_IsStoredOnce) {
  const std::string once = event(7, "x.y", "2026-11-01T10:00:00Z", "r.1");
  post_and_wait("[" + once + "]", 1);
  post_and_wait("[" + once + ", " + event(8, "x.y", "2026-11-01T10:00:01Z", "r.1") + "]", 2);
  EXPECT_EQ(filter("{}").json["total"].GetInt(), 2);
}

TEST_P(StoredEvents, Filters_NarrowByNameResourceRelatedIdAndTime) {
  store_three();
  auto matching = [&](const std::string &event_filter) { return ids(filter(R"({"filter": )" + event_filter + "}")); };
  EXPECT_EQ(matching(R"({"event": {"prefix": ["prefect.flow-run.", "prefect.task-run."]}})"),
            (std::vector<std::string>{new_uuid(2), new_uuid(1)}));
  EXPECT_EQ(matching(R"({"event": {"exclude_name": ["prefect.work-pool.ready"]}, "order": "ASC"})"),
            (std::vector<std::string>{new_uuid(1), new_uuid(2)}));
  EXPECT_EQ(matching(R"({"resource": {"id": ["prefect.work-pool.c"]}})"), (std::vector<std::string>{new_uuid(3)}));
  EXPECT_EQ(matching(R"({"related": {"role": ["flow-run"]}})"), (std::vector<std::string>{new_uuid(2)}));
  EXPECT_EQ(matching(R"({"any_resource": {"id": ["prefect.flow-run.a"]}})"),
            (std::vector<std::string>{new_uuid(2), new_uuid(1)}));
  EXPECT_EQ(matching(R"({"id": {"id": [")" + new_uuid(3) + R"("]}})"), (std::vector<std::string>{new_uuid(3)}));
  EXPECT_EQ(matching(R"({"occurred": {"since": "2026-11-01T10:00:01Z", "until": "2026-11-01T10:00:01.5Z"}})"),
            (std::vector<std::string>{new_uuid(3)}));
}

TEST_P(StoredEvents, Pages_FollowTheNextPageLink) {
  store_three();
  JsonAnswer first = filter(R"({"limit": 2})");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(ids(first), (std::vector<std::string>{new_uuid(2), new_uuid(3)}));
  ASSERT_TRUE(first.json["next_page"].IsString()) << first.body;
  const std::string link = first.json["next_page"].GetString();
  const std::string marker = "/api/events/filter/next?page-token=";
  ASSERT_NE(link.find(marker), std::string::npos) << link;
  HttpResult second = client_.request("GET", link);
  ASSERT_EQ(second.status, 200) << second.body;
  expect_contract("GET", "/events/filter/next", second);
  auto page = parse_json(second.body);
  ASSERT_EQ(page["events"].Size(), 1u);
  EXPECT_STREQ(page["events"][0]["id"].GetString(), new_uuid(1).c_str());
  EXPECT_EQ(page["total"].GetInt(), 3);
  EXPECT_TRUE(page["next_page"].IsNull());
}

TEST_P(StoredEvents, ABrokenPageToken_Is403) {
  EXPECT_EQ(get("/events/filter/next?page-token=bm90LWEtdG9rZW4=").status, 403);
}

TEST_P(StoredEvents, LimitAboveFifty_Is422) {
  EXPECT_EQ(filter(R"({"limit": 51})").status, 422);
}

INSTANTIATE_TEST_SUITE_P(Backends, Events, testing::ValuesIn(backend_names()), backend_test_name);
INSTANTIATE_TEST_SUITE_P(Backends, RecorderDefaults, testing::ValuesIn(backend_names()), backend_test_name);
INSTANTIATE_TEST_SUITE_P(Backends, StoredEvents, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
