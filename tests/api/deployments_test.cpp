// The deployment API over HTTP on each backend: the upsert and its
// defaults, the pool and queue a deployment is given, reads, partial
// updates, deletes, filters, runs created from a deployment, the runner's
// poll and the schedule sub-routes, with Prefect's error bodies. Every
// documented answer is checked against the contract.
#include "core/timestamp.h"
#include "support/run_api_test.h"

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

constexpr const char *kMissing = "7b1f3c0e-0000-4000-8000-000000000000";

// Run times in the past, in order, and one far in the future.
constexpr const char *kT1 = "2020-01-01T00:00:00Z";
constexpr const char *kT2 = "2020-01-01T00:01:00Z";
constexpr const char *kT3 = "2020-01-01T00:02:00Z";
constexpr const char *kFuture = "2100-01-01T00:00:00Z";

// The two schedule shapes, as a client sends them and as Prefect answers
// them: the interval is a timedelta, written as float seconds.
constexpr const char *kInterval = R"({"interval": 3600, "anchor_date": "2030-01-01T00:00:00Z", "timezone": "UTC"})";
constexpr const char *kIntervalAnswer =
    R"({"interval": 3600.0, "anchor_date": "2030-01-01T00:00:00Z", "timezone": "UTC"})";
constexpr const char *kCron = R"({"cron": "0 9 * * *", "timezone": "UTC", "day_or": true})";
constexpr const char *kOtherCron = R"({"cron": "30 6 * * 1-5", "timezone": "Europe/Paris", "day_or": false})";

constexpr const char *kNotFound = R"({"detail":"Deployment not found"})";
// PATCH and the schedule routes end their message with a period.
constexpr const char *kNotFoundDot = R"({"detail":"Deployment not found."})";

std::string json_of(const rapidjson::Value &value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

// Equal as JSON values: member order does not matter, numbers compare by
// value (3600 equals 3600.0).
::testing::AssertionResult json_is(const rapidjson::Value &actual, const std::string &expected) {
  if (actual == parse_json(expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected " << expected << "\n  actual " << json_of(actual);
}

Timestamp when(const rapidjson::Value &value) {
  return Timestamp::parse(json_text(value)).value_or(Timestamp{});
}

std::set<std::string> strings(const rapidjson::Value &array) {
  std::set<std::string> values;
  if (array.IsArray()) {
    for (const auto &item : array.GetArray()) values.insert(json_text(item));
  }
  return values;
}

std::vector<std::string> members(const rapidjson::Value &array, const char *key) {
  std::vector<std::string> values;
  if (array.IsArray()) {
    for (const auto &item : array.GetArray()) values.push_back(json_text(json_at(item, key)));
  }
  return values;
}

// The entry of a schedule list whose schedule is of `kind` ("interval",
// "cron"); null when there is none.
const rapidjson::Value &schedule_of_kind(const rapidjson::Value &list, const char *kind) {
  static const rapidjson::Value null;
  if (!list.IsArray()) return null;
  for (const auto &entry : list.GetArray()) {
    if (json_at(entry, "schedule").IsObject() && json_at(entry, "schedule").HasMember(kind)) return entry;
  }
  return null;
}

std::string scheduled_at(const char *time) {
  return std::string(R"({"type": "SCHEDULED", "state_details": {"scheduled_time": ")") + time + R"("}})";
}

class DeploymentTest : public RunApiTest {
 protected:
  // The "etl" flow, made on first use.
  const std::string &flow() {
    if (flow_id_.empty()) flow_id_ = create_flow("etl");
    return flow_id_;
  }

  static std::string body_of(const std::string &name, const std::string &flow_id, const std::string &extra) {
    return R"({"name": ")" + name + R"(", "flow_id": ")" + flow_id + "\"" + (extra.empty() ? "" : ", " + extra) + "}";
  }

  JsonAnswer create_deployment(const std::string &body) { return call("POST", "/deployments/", "/deployments/", body); }

  // A deployment named `name` of `flow_id` (the "etl" flow when empty),
  // `extra` more members of the body; its id.
  std::string make_deployment(const std::string &name, const std::string &extra = "", std::string flow_id = "") {
    if (flow_id.empty()) flow_id = flow();
    JsonAnswer created = create_deployment(body_of(name, flow_id, extra));
    EXPECT_EQ(created.status, 201) << created.body;
    return json_text(json_at(created.json, "id"));
  }

  JsonAnswer read_deployment(const std::string &id) { return call("GET", "/deployments/" + id, "/deployments/{id}"); }

  JsonAnswer patch_deployment(const std::string &id, const std::string &body) {
    return call("PATCH", "/deployments/" + id, "/deployments/{id}", body);
  }

  std::string count(const std::string &body = "{}") {
    JsonAnswer answer = call("POST", "/deployments/count", "/deployments/count", body);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.body;
  }

  std::vector<std::string> names(const std::string &filter_body) {
    JsonAnswer answer = call("POST", "/deployments/filter", "/deployments/filter", filter_body);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return members(answer.json, "name");
  }

  // A work pool of type "process"; its default queue's id.
  std::string make_pool(const std::string &name) {
    JsonAnswer created =
        call("POST", "/work_pools/", "/work_pools/", R"({"name": ")" + name + R"(", "type": "process"})");
    EXPECT_EQ(created.status, 201) << created.body;
    return json_text(json_at(created.json, "default_queue_id"));
  }

  JsonAnswer read_queue(const std::string &pool, const std::string &name) {
    return call("GET", "/work_pools/" + pool + "/queues/" + name, "/work_pools/{work_pool_name}/queues/{name}");
  }

  JsonAnswer run_from(const std::string &deployment_id, const std::string &body = "{}") {
    return call("POST", "/deployments/" + deployment_id + "/create_flow_run", "/deployments/{id}/create_flow_run",
                body);
  }

  // A run of the deployment whose first state is `state`; its id.
  std::string run_of(const std::string &deployment_id, const std::string &state) {
    JsonAnswer run = run_from(deployment_id, R"({"state": )" + state + "}");
    EXPECT_EQ(run.status, 201) << run.body;
    return json_text(json_at(run.json, "id"));
  }

  JsonAnswer poll(const std::string &body) {
    return call("POST", "/deployments/get_scheduled_flow_runs", "/deployments/get_scheduled_flow_runs", body);
  }

  std::vector<std::string> polled_runs(const std::string &body) {
    JsonAnswer answer = poll(body);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return members(answer.json, "id");
  }

  // The poll marks its deployments after answering, as a background task:
  // waits up to 10 s for `id` to show a last_polled.
  JsonAnswer read_deployment_once_polled(const std::string &id) {
    for (int attempt = 0; attempt < 200; ++attempt) {
      JsonAnswer deployment = read_deployment(id);
      if (deployment.status != 200 || json_at(deployment.json, "last_polled").IsString()) return deployment;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return read_deployment(id);
  }

  JsonAnswer schedules_of(const std::string &id) {
    return call("GET", "/deployments/" + id + "/schedules", "/deployments/{id}/schedules");
  }

  JsonAnswer add_schedules(const std::string &id, const std::string &body) {
    return call("POST", "/deployments/" + id + "/schedules", "/deployments/{id}/schedules", body);
  }

  JsonAnswer patch_schedule(const std::string &id, const std::string &schedule_id, const std::string &body) {
    return call("PATCH", "/deployments/" + id + "/schedules/" + schedule_id,
                "/deployments/{id}/schedules/{schedule_id}", body);
  }

  JsonAnswer delete_schedule(const std::string &id, const std::string &schedule_id) {
    return call("DELETE", "/deployments/" + id + "/schedules/" + schedule_id,
                "/deployments/{id}/schedules/{schedule_id}");
  }

  // The ids of the deployment's schedules, in the order they are listed.
  std::vector<std::string> schedule_ids(const std::string &id) {
    JsonAnswer listed = schedules_of(id);
    EXPECT_EQ(listed.status, 200) << listed.body;
    return members(listed.json, "id");
  }

 private:
  std::string flow_id_;
};

// ---------------------------------------------------------------- create, read, update, delete

class Deployments : public DeploymentTest {};

TEST_P(Deployments, CreateAnswers201WithPrefectsDefaults) {
  const std::string flow_id = flow();
  JsonAnswer created = create_deployment(body_of("nightly", flow_id, ""));
  ASSERT_EQ(created.status, 201) << created.body;
  const rapidjson::Document &deployment = created.json;
  EXPECT_EQ(json_text(json_at(deployment, "name")), "nightly");
  EXPECT_EQ(json_text(json_at(deployment, "flow_id")), flow_id);
  EXPECT_TRUE(json_at(deployment, "id").IsString());
  EXPECT_TRUE(json_at(deployment, "created").IsString());
  EXPECT_TRUE(json_at(deployment, "updated").IsString());
  EXPECT_TRUE(json_is(json_at(deployment, "paused"), "false"));
  EXPECT_TRUE(json_is(json_at(deployment, "schedules"), "[]"));
  EXPECT_TRUE(json_is(json_at(deployment, "enforce_parameter_schema"), "true"));
  EXPECT_TRUE(json_is(json_at(deployment, "parameter_openapi_schema"), R"({"type": "object", "properties": {}})"));
  EXPECT_TRUE(json_is(json_at(deployment, "parameters"), "{}"));
  EXPECT_TRUE(json_is(json_at(deployment, "job_variables"), "{}"));
  EXPECT_TRUE(json_is(json_at(deployment, "tags"), "[]"));
  EXPECT_EQ(json_text(json_at(deployment, "status")), "NOT_READY");
  for (const char *key :
       {"concurrency_limit", "global_concurrency_limit", "concurrency_options", "work_pool_name", "work_queue_name",
        "work_queue_id", "last_polled", "version", "description", "path", "entrypoint", "pull_steps",
        "storage_document_id", "infrastructure_document_id", "created_by", "updated_by"}) {
    EXPECT_TRUE(has_null_member(deployment, key)) << key << " in " << created.body;
  }
}

// The upsert key is (flow_id, name): every field sent is written, the
// row keeps its id and created, and the schedules are replaced.
TEST_P(Deployments, CreatingTheSameFlowAndNameAgainUpdatesItWith200AndReplacesItsSchedules) {
  const std::string flow_id = flow();
  JsonAnswer first = create_deployment(
      body_of("nightly", flow_id,
              R"("description": "first", "version": "1", "tags": ["a"], "parameters": {"x": 1}, "paused": true, )"
              R"("entrypoint": "flows.py:etl", "schedules": [{"schedule": )" +
                  std::string(kInterval) + "}]"));
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string old_schedule =
      json_text(json_at(schedule_of_kind(json_at(first.json, "schedules"), "interval"), "id"));
  ASSERT_FALSE(old_schedule.empty()) << first.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));

  JsonAnswer second = create_deployment(body_of(
      "nightly", flow_id,
      R"("description": "second", "version": "2", "tags": ["b", "c"], "parameters": {"y": 2}, "paused": false, )"
      R"("entrypoint": "flows.py:other", "job_variables": {"image": "x"}, "schedules": [{"schedule": )" +
          std::string(kCron) + "}]"));
  ASSERT_EQ(second.status, 200) << second.body;
  const rapidjson::Document &updated = second.json;
  EXPECT_EQ(json_text(json_at(updated, "id")), json_text(json_at(first.json, "id")));
  EXPECT_EQ(json_text(json_at(updated, "created")), json_text(json_at(first.json, "created")));
  EXPECT_GT(when(json_at(updated, "updated")), when(json_at(first.json, "updated")));
  EXPECT_EQ(json_text(json_at(updated, "description")), "second");
  EXPECT_EQ(json_text(json_at(updated, "version")), "2");
  EXPECT_EQ(json_text(json_at(updated, "entrypoint")), "flows.py:other");
  EXPECT_TRUE(json_is(json_at(updated, "tags"), R"(["b", "c"])"));
  EXPECT_TRUE(json_is(json_at(updated, "parameters"), R"({"y": 2})"));
  EXPECT_TRUE(json_is(json_at(updated, "paused"), "false"));
  EXPECT_TRUE(json_is(json_at(updated, "job_variables"), R"({"image": "x"})"));
  const rapidjson::Value &schedules = json_at(updated, "schedules");
  ASSERT_TRUE(schedules.IsArray() && schedules.Size() == 1) << second.body;
  EXPECT_TRUE(json_is(json_at(schedules[0], "schedule"), kCron));
  EXPECT_NE(json_text(json_at(schedules[0], "id")), old_schedule);

  EXPECT_EQ(schedule_ids(json_text(json_at(updated, "id"))),
            (std::vector<std::string>{json_text(json_at(schedules[0], "id"))}));
  EXPECT_EQ(count(), "1");
}

// Only the fields sent are written; the schedules are replaced even when
// none are sent (Prefect deletes them all and creates the ones given).
TEST_P(Deployments, AnUpsertKeepsTheFieldsItDoesNotSendButNotTheSchedules) {
  const std::string default_queue = make_pool("pool");
  const std::string id = make_deployment(
      "nightly", R"("description": "kept", "entrypoint": "flows.py:etl", "paused": true, "work_pool_name": "pool", )"
                 R"("schedules": [{"schedule": )" +
                     std::string(kInterval) + "}]");
  JsonAnswer again = create_deployment(body_of("nightly", flow(), R"("version": "2")"));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json_text(json_at(again.json, "id")), id);
  EXPECT_EQ(json_text(json_at(again.json, "version")), "2");
  EXPECT_EQ(json_text(json_at(again.json, "description")), "kept");
  EXPECT_EQ(json_text(json_at(again.json, "entrypoint")), "flows.py:etl");
  EXPECT_TRUE(json_is(json_at(again.json, "paused"), "true"));
  EXPECT_EQ(json_text(json_at(again.json, "work_queue_id")), default_queue);
  EXPECT_EQ(json_text(json_at(again.json, "work_pool_name")), "pool");
  EXPECT_TRUE(json_is(json_at(again.json, "schedules"), "[]"));
  EXPECT_TRUE(schedule_ids(id).empty());
}

TEST_P(Deployments, TheSameNameUnderAnotherFlowIsAnotherDeployment) {
  const std::string etl = make_deployment("nightly");
  const std::string report = make_deployment("nightly", "", create_flow("report"));
  EXPECT_NE(etl, report);
  EXPECT_EQ(count(), "2");
}

TEST_P(Deployments, AWorkPoolAloneGivesThePoolsDefaultQueue) {
  const std::string default_queue = make_pool("pool");
  JsonAnswer created = create_deployment(body_of("nightly", flow(), R"("work_pool_name": "pool")"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json_text(json_at(created.json, "work_pool_name")), "pool");
  EXPECT_EQ(json_text(json_at(created.json, "work_queue_name")), "default");
  EXPECT_EQ(json_text(json_at(created.json, "work_queue_id")), default_queue);
  JsonAnswer read = read_deployment(json_text(json_at(created.json, "id")));
  EXPECT_EQ(json_text(json_at(read.json, "work_pool_name")), "pool");
  EXPECT_EQ(json_text(json_at(read.json, "work_queue_name")), "default");
  EXPECT_EQ(json_text(json_at(read.json, "work_queue_id")), default_queue);
}

TEST_P(Deployments, AWorkPoolAndAQueueNameGiveThatQueueCreatedIfMissing) {
  make_pool("pool");
  ASSERT_EQ(get("/work_pools/pool/queues/gpu").status, 404);
  JsonAnswer created =
      create_deployment(body_of("nightly", flow(), R"("work_pool_name": "pool", "work_queue_name": "gpu")"));
  ASSERT_EQ(created.status, 201) << created.body;
  JsonAnswer queue = read_queue("pool", "gpu");
  ASSERT_EQ(queue.status, 200) << queue.body;
  EXPECT_EQ(json_text(json_at(created.json, "work_queue_id")), json_text(json_at(queue.json, "id")));
  EXPECT_EQ(json_text(json_at(created.json, "work_queue_name")), "gpu");
  EXPECT_EQ(json_text(json_at(created.json, "work_pool_name")), "pool");

  // An existing queue is reused, not made twice.
  JsonAnswer other =
      create_deployment(body_of("hourly", flow(), R"("work_pool_name": "pool", "work_queue_name": "gpu")"));
  ASSERT_EQ(other.status, 201) << other.body;
  EXPECT_EQ(json_text(json_at(other.json, "work_queue_id")), json_text(json_at(queue.json, "id")));
  JsonAnswer queues =
      call("POST", "/work_pools/pool/queues/filter", "/work_pools/{work_pool_name}/queues/filter", "{}");
  EXPECT_EQ(members(queues.json, "name"), (std::vector<std::string>{"default", "gpu"}));
}

TEST_P(Deployments, AnUnknownWorkPoolIs404AndCreatesNothing) {
  const std::string flow_id = flow();
  for (const char *extra : {R"("work_pool_name": "nope")", R"("work_pool_name": "nope", "work_queue_name": "q")"}) {
    HttpResult result = send("POST", "/deployments/", body_of("nightly", flow_id, extra));
    EXPECT_EQ(result.status, 404) << extra;
    EXPECT_EQ(result.body, R"({"detail":"Work pool \"nope\" not found."})") << extra;
  }
  EXPECT_EQ(count(), "0");
}

TEST_P(Deployments, AnUnknownFlowIsAnIntegrityConflict) {
  HttpResult result = send("POST", "/deployments/", body_of("nightly", kMissing, ""));
  EXPECT_EQ(result.status, 409);
  EXPECT_EQ(result.body,
            R"({"detail":"Data integrity conflict. This usually means a unique or foreign key constraint was )"
            R"(violated. See server logs for details."})");
  EXPECT_EQ(count(), "0");
}

TEST_P(Deployments, ReadAnswersWhatTheCreateAnswered) {
  JsonAnswer created = create_deployment(
      body_of("nightly", flow(),
              R"("description": "d", "tags": ["t"], "parameters": {"x": [1, 2]}, "schedules": [{"schedule": )" +
                  std::string(kCron) + "}]"));
  ASSERT_EQ(created.status, 201) << created.body;
  JsonAnswer read = read_deployment(json_text(json_at(created.json, "id")));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_TRUE(read.json == created.json) << "created " << created.body << "\n   read " << read.body;
}

TEST_P(Deployments, ReadByFlowAndDeploymentName) {
  const std::string etl = make_deployment("nightly");
  create_flow("report");
  JsonAnswer by_name = call("GET", "/deployments/name/etl/nightly", "/deployments/name/{flow_name}/{deployment_name}");
  ASSERT_EQ(by_name.status, 200) << by_name.body;
  EXPECT_EQ(json_text(json_at(by_name.json, "id")), etl);
  EXPECT_EQ(json_text(json_at(by_name.json, "name")), "nightly");

  HttpResult other_flow = get("/deployments/name/report/nightly");
  EXPECT_EQ(other_flow.status, 404);
  EXPECT_EQ(other_flow.body, kNotFound);
  HttpResult no_flow = get("/deployments/name/nope/nightly");
  EXPECT_EQ(no_flow.status, 404);
  EXPECT_EQ(no_flow.body, kNotFound);
}

TEST_P(Deployments, AMissingDeploymentIs404) {
  HttpResult missing = get(std::string("/deployments/") + kMissing);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, kNotFound);
  // Not a UUID: no route matches.
  HttpResult not_an_id = get("/deployments/nightly");
  EXPECT_EQ(not_an_id.status, 404);
  EXPECT_EQ(not_an_id.body, R"({"detail":"Not Found"})");
}

TEST_P(Deployments, PatchAnswers204AndWritesOnlyTheSentKeys) {
  const std::string default_queue = make_pool("pool");
  JsonAnswer created = create_deployment(
      body_of("nightly", flow(),
              R"("description": "d", "version": "1", "tags": ["a"], "parameters": {"x": 1}, "paused": true, )"
              R"("entrypoint": "flows.py:etl", "work_pool_name": "pool", "schedules": [{"schedule": )" +
                  std::string(kInterval) + "}]"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json_text(json_at(created.json, "id"));
  const std::vector<std::string> schedules = schedule_ids(id);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));

  JsonAnswer patched = patch_deployment(id, R"({"description": "new", "tags": ["b"]})");
  EXPECT_EQ(patched.status, 204) << patched.body;
  EXPECT_EQ(patched.body, "");
  JsonAnswer read = read_deployment(id);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(json_text(json_at(read.json, "description")), "new");
  EXPECT_TRUE(json_is(json_at(read.json, "tags"), R"(["b"])"));
  EXPECT_GT(when(json_at(read.json, "updated")), when(json_at(created.json, "updated")));
  EXPECT_EQ(json_text(json_at(read.json, "version")), "1");
  EXPECT_TRUE(json_is(json_at(read.json, "parameters"), R"({"x": 1})"));
  EXPECT_TRUE(json_is(json_at(read.json, "paused"), "true")) << "paused defaults to false but was not sent";
  EXPECT_EQ(json_text(json_at(read.json, "entrypoint")), "flows.py:etl");
  EXPECT_EQ(json_text(json_at(read.json, "work_queue_id")), default_queue);
  EXPECT_EQ(json_text(json_at(read.json, "work_pool_name")), "pool");
  EXPECT_EQ(schedule_ids(id), schedules) << "schedules were not sent";

  // Parameters are replaced, not merged; a null that is sent is written.
  EXPECT_EQ(patch_deployment(id, R"({"parameters": {"y": 2}, "description": null, "paused": false})").status, 204);
  read = read_deployment(id);
  EXPECT_TRUE(json_is(json_at(read.json, "parameters"), R"({"y": 2})"));
  EXPECT_TRUE(has_null_member(read.json, "description"));
  EXPECT_TRUE(json_is(json_at(read.json, "paused"), "false"));
  EXPECT_TRUE(json_is(json_at(read.json, "tags"), R"(["b"])"));
}

// objects.md §6 (c): when the schedules have no slugs, a PATCH that sends
// `schedules` deletes them all and creates the ones sent, dropping entries
// without a schedule.
TEST_P(Deployments, PatchingSchedulesWithoutSlugsReplacesThemAll) {
  const std::string id = make_deployment(
      "nightly", R"("schedules": [{"schedule": )" + std::string(kInterval) + R"(}, {"schedule": )" + kCron + "}]");
  const std::vector<std::string> before = schedule_ids(id);
  ASSERT_EQ(before.size(), 2u);

  EXPECT_EQ(patch_deployment(id, R"({"schedules": [{"active": true}, {"schedule": )" + std::string(kOtherCron) +
                                     R"(, "active": false}]})")
                .status,
            204);
  JsonAnswer listed = schedules_of(id);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_TRUE(listed.json.IsArray() && listed.json.Size() == 1) << listed.body;
  EXPECT_TRUE(json_is(json_at(listed.json[0], "schedule"), kOtherCron));
  EXPECT_TRUE(json_is(json_at(listed.json[0], "active"), "false"));
  EXPECT_TRUE(std::find(before.begin(), before.end(), json_text(json_at(listed.json[0], "id"))) == before.end())
      << "the schedules are new";

  EXPECT_EQ(patch_deployment(id, R"({"schedules": []})").status, 204);
  EXPECT_TRUE(schedule_ids(id).empty());
  EXPECT_TRUE(json_is(json_at(read_deployment(id).json, "schedules"), "[]"));
}

TEST_P(Deployments, PatchOfAMissingDeploymentIs404) {
  HttpResult result = send("PATCH", std::string("/deployments/") + kMissing, R"({"description": "x"})");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.body, kNotFoundDot);
}

TEST_P(Deployments, DeleteAnswers204AndThenTheDeploymentIs404) {
  const std::string id = make_deployment("nightly", R"("schedules": [{"schedule": )" + std::string(kCron) + "}]");
  const std::string kept = make_deployment("hourly");
  JsonAnswer deleted = call("DELETE", "/deployments/" + id, "/deployments/{id}");
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(deleted.body, "");
  EXPECT_EQ(get("/deployments/" + id).body, kNotFound);
  EXPECT_EQ(get("/deployments/name/etl/nightly").status, 404);
  HttpResult schedules = get("/deployments/" + id + "/schedules");
  EXPECT_EQ(schedules.status, 404);
  EXPECT_EQ(schedules.body, kNotFoundDot);
  HttpResult again = send("DELETE", "/deployments/" + id, "");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.body, kNotFound);
  EXPECT_EQ(names("{}"), (std::vector<std::string>{"hourly"}));
  EXPECT_EQ(read_deployment(kept).status, 200);
}

// Prefect first deletes the deployment's SCHEDULED runs that never ran,
// sparing runs waiting for a concurrency slot; flow_run.deployment_id has
// no foreign key, so the runs that stay keep pointing at the deployment.
TEST_P(Deployments, DeleteRemovesTheScheduledRunsThatNeverRanAndKeepsTheOthers) {
  const std::string id = make_deployment("nightly");
  const std::string other = make_deployment("hourly");
  const std::string due = run_of(id, scheduled_at(kT1));
  const std::string future = run_of(id, scheduled_at(kFuture));
  const std::string pending = run_of(id, R"({"type": "PENDING"})");
  const std::string waiting = run_of(id, R"({"type": "SCHEDULED", "name": "AwaitingConcurrencySlot"})");
  const std::string retrying = run_of(id, R"({"type": "PENDING"})");
  ASSERT_EQ(set_flow_run_state(retrying, R"({"type": "RUNNING"})").status, 201);
  ASSERT_EQ(set_flow_run_state(retrying,
                               std::string(R"({"type": "SCHEDULED", "name": "AwaitingRetry", "state_details": )"
                                           R"({"scheduled_time": ")") +
                                   kFuture + R"("}})",
                               true)
                .status,
            201);
  const std::string elsewhere = run_of(other, scheduled_at(kT1));

  ASSERT_EQ(send("DELETE", "/deployments/" + id, "").status, 204);
  EXPECT_EQ(get("/flow_runs/" + due).status, 404);
  EXPECT_EQ(get("/flow_runs/" + future).status, 404);
  for (const std::string &run : {pending, waiting, retrying}) {
    JsonAnswer read = read_flow_run(run);
    EXPECT_EQ(read.status, 200) << run;
    EXPECT_EQ(json_text(json_at(read.json, "deployment_id")), id) << run;
  }
  EXPECT_EQ(json_text(json_at(read_flow_run(retrying).json, "state_name")), "AwaitingRetry");
  EXPECT_EQ(read_flow_run(elsewhere).status, 200);
}

TEST_P(Deployments, PauseAndResumeAnswer200WithNullAndFlipPaused) {
  const std::string id = make_deployment("nightly");
  // Pausing deletes auto-scheduled runs only: a run made by hand stays.
  const std::string manual = run_of(id, scheduled_at(kFuture));
  JsonAnswer paused = call("POST", "/deployments/" + id + "/pause_deployment", "/deployments/{id}/pause_deployment");
  EXPECT_EQ(paused.status, 200);
  EXPECT_EQ(paused.body, "null");
  EXPECT_TRUE(json_is(json_at(read_deployment(id).json, "paused"), "true"));
  EXPECT_EQ(json_text(json_at(read_flow_run(manual).json, "state_type")), "SCHEDULED");
  EXPECT_EQ(call("POST", "/deployments/" + id + "/pause_deployment", "/deployments/{id}/pause_deployment").status, 200);
  EXPECT_TRUE(json_is(json_at(read_deployment(id).json, "paused"), "true"));

  JsonAnswer resumed = call("POST", "/deployments/" + id + "/resume_deployment", "/deployments/{id}/resume_deployment");
  EXPECT_EQ(resumed.status, 200);
  EXPECT_EQ(resumed.body, "null");
  EXPECT_TRUE(json_is(json_at(read_deployment(id).json, "paused"), "false"));
}

TEST_P(Deployments, PauseAndResumeOfAMissingDeploymentAre404) {
  for (const char *action : {"pause_deployment", "resume_deployment"}) {
    HttpResult result = send("POST", std::string("/deployments/") + kMissing + "/" + action, "");
    EXPECT_EQ(result.status, 404) << action;
    EXPECT_EQ(result.body, kNotFound) << action;
  }
}

struct BadRequest {
  std::string method;
  std::string path;
  std::string body;
  std::string expected;  // "type@loc" of the first issue, or the exact body
};

TEST_P(Deployments, InvalidBodiesAre422InPrefectsShapeAndWriteNothing) {
  const std::string flow_id = flow();
  const std::string id = make_deployment("nightly", R"("description": "kept", "tags": ["t"])");
  const std::string one = "/deployments/" + id;
  const std::vector<BadRequest> cases = {
      {"POST", "/deployments/", R"({"flow_id": ")" + flow_id + R"("})", "missing@body.name"},
      {"POST", "/deployments/", R"({"name": "other"})", "missing@body.flow_id"},
      {"POST", "/deployments/", R"({"name": "other", "flow_id": "etl"})", "uuid_parsing@body.flow_id"},
      {"POST", "/deployments/", body_of("other", flow_id, R"("paused": "maybe")"), "bool_parsing@body.paused"},
      {"POST", "/deployments/", body_of("other", flow_id, R"("tags": "nightly")"), "list_type@body.tags"},
      {"POST", "/deployments/", body_of("other", flow_id, R"("parameters": [1])"), "dict_type@body.parameters"},
      {"POST", "/deployments/", body_of("other", flow_id, R"("colour": "red")"), "extra_forbidden@body.colour"},
      {"POST", "/deployments/", body_of("other", flow_id, R"("schedules": [{"active": true}])"),
       "missing@body.schedules.0.schedule"},
      {"PATCH", one, R"({"name": "renamed"})",
       R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"extra_forbidden",)"
       R"("loc":["body","name"],"msg":"Extra inputs are not permitted","input":"renamed"}],)"
       R"("request_body":{"name":"renamed"}})"},
      {"PATCH", one, R"({"paused": "maybe"})", "bool_parsing@body.paused"},
      {"PATCH", one, R"({"tags": "t2"})", "list_type@body.tags"},
      {"POST", one + "/create_flow_run", R"({"flow_id": ")" + flow_id + R"("})", "extra_forbidden@body.flow_id"},
      {"POST", one + "/schedules", R"({"schedule": )" + std::string(kCron) + "}", "list_type@body"},
      {"POST", one + "/schedules", R"([{"active": false}])", "missing@body.0.schedule"},
      {"POST", "/deployments/filter", R"({"limit": 201})",
       R"({"detail":"Invalid limit: must be less than or equal to 200."})"},
      {"POST", "/deployments/filter", R"({"offset": -1})", "greater_than_equal@body.offset"},
      {"POST", "/deployments/filter", R"({"sort": "SIZE_DESC"})", "enum@body.sort"},
      {"POST", "/deployments/filter", R"({"deployments": {"colour": {}}})", "extra_forbidden@body.deployments.colour"},
      {"POST", "/deployments/paginate", R"({"page": 0})", "greater_than_equal@body.page"},
      {"POST", "/deployments/get_scheduled_flow_runs", R"({})", "missing@body.deployment_ids"},
  };
  for (const BadRequest &bad : cases) {
    SCOPED_TRACE(bad.method + " " + bad.path + " " + bad.body);
    HttpResult result = send(bad.method, bad.path, bad.body);
    EXPECT_EQ(result.status, 422);
    if (bad.expected.front() == '{') {
      EXPECT_EQ(result.body, bad.expected);
    } else {
      EXPECT_EQ(first_issue(result.body), bad.expected) << result.body;
    }
  }
  EXPECT_EQ(count(), "1");
  JsonAnswer kept = read_deployment(id);
  EXPECT_EQ(json_text(json_at(kept.json, "description")), "kept");
  EXPECT_TRUE(json_is(json_at(kept.json, "tags"), R"(["t"])"));
  EXPECT_TRUE(json_is(json_at(kept.json, "paused"), "false"));
  EXPECT_TRUE(schedule_ids(id).empty());
  EXPECT_EQ(call("POST", "/flow_runs/count", "/flow_runs/count", "{}").body, "0");
}

INSTANTIATE_TEST_SUITE_P(Backends, Deployments, testing::ValuesIn(backend_names()), backend_test_name);

// ---------------------------------------------------------------- filter, count, paginate

class DeploymentFilters : public DeploymentTest {
 protected:
  // etl/beta [prod], etl/alpha [prod, gpu] and report/gamma [], made in
  // that order.
  void SetUp() override {
    DeploymentTest::SetUp();
    if (IsSkipped()) return;
    beta_ = make_deployment("beta", R"("tags": ["prod"])");
    alpha_ = make_deployment("alpha", R"("tags": ["prod", "gpu"])");
    report_ = create_flow("report");
    gamma_ = make_deployment("gamma", "", report_);
  }

  std::string alpha_, beta_, gamma_, report_;
};

TEST_P(DeploymentFilters, FilterOrdersByNameAndFiltersByDeploymentAndFlow) {
  EXPECT_EQ(names("{}"), (std::vector<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_EQ(names(R"({"deployments": {"name": {"any_": ["gamma", "alpha", "zeta"]}}})"),
            (std::vector<std::string>{"alpha", "gamma"}));
  EXPECT_EQ(names(R"({"deployments": {"name": {"like_": "ET"}}})"), (std::vector<std::string>{"beta"}));
  EXPECT_EQ(names(R"({"deployments": {"id": {"any_": [")" + beta_ + R"("]}}})"), (std::vector<std::string>{"beta"}));
  EXPECT_EQ(names(R"({"deployments": {"tags": {"all_": ["prod"]}}})"), (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(names(R"({"deployments": {"tags": {"all_": ["prod", "gpu"]}}})"), (std::vector<std::string>{"alpha"}));
  EXPECT_EQ(names(R"({"flows": {"name": {"any_": ["report"]}}})"), (std::vector<std::string>{"gamma"}));
  EXPECT_EQ(names(R"({"flows": {"id": {"any_": [")" + flow() + R"("]}}})"),
            (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(names(R"({"flows": {"name": {"any_": ["etl"]}}, "deployments": {"tags": {"all_": ["gpu"]}}})"),
            (std::vector<std::string>{"alpha"}));
}

TEST_P(DeploymentFilters, SortLimitAndOffsetApply) {
  EXPECT_EQ(names(R"({"sort": "NAME_DESC"})"), (std::vector<std::string>{"gamma", "beta", "alpha"}));
  EXPECT_EQ(names(R"({"sort": "NAME_ASC"})"), (std::vector<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_EQ(names(R"({"limit": 1, "offset": 1})"), (std::vector<std::string>{"beta"}));
  EXPECT_EQ(names(R"({"limit": 2})"), (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(names(R"({"offset": 3})"), (std::vector<std::string>{}));
  EXPECT_EQ(names(R"({"limit": 0})"), (std::vector<std::string>{}));
}

TEST_P(DeploymentFilters, CountCountsTheDeploymentsAFilterMatches) {
  EXPECT_EQ(count(), "3");
  EXPECT_EQ(count(R"({"deployments": null})"), "3");
  EXPECT_EQ(count(R"({"deployments": {"tags": {"all_": ["prod"]}}})"), "2");
  EXPECT_EQ(count(R"({"flows": {"name": {"any_": ["report"]}}})"), "1");
  EXPECT_EQ(count(R"({"deployments": {"name": {"any_": ["zeta"]}}})"), "0");
}

TEST_P(DeploymentFilters, PaginateAnswersAPageWithTheTotalCount) {
  JsonAnswer second = call("POST", "/deployments/paginate", "/deployments/paginate", R"({"limit": 2, "page": 2})");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(members(json_at(second.json, "results"), "name"), (std::vector<std::string>{"gamma"}));
  EXPECT_TRUE(json_is(json_at(second.json, "count"), "3"));
  EXPECT_TRUE(json_is(json_at(second.json, "limit"), "2"));
  EXPECT_TRUE(json_is(json_at(second.json, "pages"), "2"));
  EXPECT_TRUE(json_is(json_at(second.json, "page"), "2"));

  JsonAnswer all = call("POST", "/deployments/paginate", "/deployments/paginate", "{}");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(members(json_at(all.json, "results"), "name"), (std::vector<std::string>{"alpha", "beta", "gamma"}));
  EXPECT_TRUE(json_is(json_at(all.json, "count"), "3"));
  EXPECT_TRUE(json_is(json_at(all.json, "limit"), "200"));
  EXPECT_TRUE(json_is(json_at(all.json, "pages"), "1"));
  EXPECT_TRUE(json_is(json_at(all.json, "page"), "1"));

  JsonAnswer tagged = call("POST", "/deployments/paginate", "/deployments/paginate",
                           R"({"deployments": {"tags": {"all_": ["prod"]}}, "limit": 1, "sort": "NAME_DESC"})");
  EXPECT_EQ(members(json_at(tagged.json, "results"), "name"), (std::vector<std::string>{"beta"}));
  EXPECT_TRUE(json_is(json_at(tagged.json, "count"), "2"));
  EXPECT_TRUE(json_is(json_at(tagged.json, "pages"), "2"));

  JsonAnswer none = call("POST", "/deployments/paginate", "/deployments/paginate", R"({"limit": 0})");
  EXPECT_TRUE(json_is(json_at(none.json, "results"), "[]"));
  EXPECT_TRUE(json_is(json_at(none.json, "count"), "3"));
  EXPECT_TRUE(json_is(json_at(none.json, "pages"), "0"));
}

INSTANTIATE_TEST_SUITE_P(Backends, DeploymentFilters, testing::ValuesIn(backend_names()), backend_test_name);

// ---------------------------------------------------------------- runs from a deployment

class DeploymentFlowRuns : public DeploymentTest {};

TEST_P(DeploymentFlowRuns, CreateFlowRunAnswers201WithARunScheduledForNow) {
  const std::string id = make_deployment("nightly", R"("version": "v7")");
  const Timestamp before = Timestamp::now().plus_seconds(-1);
  JsonAnswer run = run_from(id);
  const Timestamp after = Timestamp::now().plus_seconds(1);
  ASSERT_EQ(run.status, 201) << run.body;
  const rapidjson::Document &json = run.json;
  EXPECT_EQ(json_text(json_at(json, "state_type")), "SCHEDULED");
  EXPECT_EQ(json_text(json_at(json, "state_name")), "Scheduled");
  EXPECT_EQ(json_text(json_at(json_at(json, "state"), "type")), "SCHEDULED");
  const Timestamp scheduled = when(json_at(json, "next_scheduled_start_time"));
  EXPECT_TRUE(before <= scheduled && scheduled <= after) << run.body;
  EXPECT_TRUE(when(json_at(json, "expected_start_time")) == scheduled) << run.body;
  EXPECT_EQ(json_text(json_at(json, "flow_id")), flow());
  EXPECT_EQ(json_text(json_at(json, "deployment_id")), id);
  EXPECT_EQ(json_text(json_at(json, "deployment_version")), "v7");
  EXPECT_TRUE(json_is(json_at(json, "auto_scheduled"), "false"));
  EXPECT_TRUE(has_null_member(json, "work_queue_id")) << "the deployment has no queue";
  EXPECT_TRUE(has_null_member(json, "work_queue_name"));
  JsonAnswer read = read_flow_run(json_text(json_at(json, "id")));
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(json_text(json_at(read.json, "deployment_id")), id);
}

TEST_P(DeploymentFlowRuns, TheRunTakesTheDeploymentsParametersOverlaidAndTheUnionOfTags) {
  const std::string id =
      make_deployment("nightly", R"("parameters": {"a": 1, "b": {"deep": true}}, "tags": ["d1", "shared"])");
  JsonAnswer run = run_from(id, R"({"parameters": {"b": 3, "c": [4]}, "tags": ["r1", "shared"]})");
  ASSERT_EQ(run.status, 201) << run.body;
  EXPECT_TRUE(json_is(json_at(run.json, "parameters"), R"({"a": 1, "b": 3, "c": [4]})"));
  EXPECT_EQ(json_at(run.json, "tags").IsArray() ? json_at(run.json, "tags").Size() : 0u, 3u) << run.body;
  EXPECT_EQ(strings(json_at(run.json, "tags")), (std::set<std::string>{"d1", "r1", "shared"}));

  JsonAnswer plain = run_from(id);
  EXPECT_TRUE(json_is(json_at(plain.json, "parameters"), R"({"a": 1, "b": {"deep": true}})"));
  EXPECT_EQ(strings(json_at(plain.json, "tags")), (std::set<std::string>{"d1", "shared"}));
  EXPECT_TRUE(json_is(json_at(read_deployment(id).json, "parameters"), R"({"a": 1, "b": {"deep": true}})"))
      << "the deployment's parameters are not changed";
}

TEST_P(DeploymentFlowRuns, TheRunGoesToTheDeploymentsQueue) {
  make_pool("pool");
  JsonAnswer queue = call("POST", "/work_pools/pool/queues", "/work_pools/{work_pool_name}/queues", R"({"name": "q"})");
  ASSERT_EQ(queue.status, 201) << queue.body;
  const std::string id = make_deployment("nightly", R"("work_pool_name": "pool", "work_queue_name": "q")");
  JsonAnswer run = run_from(id);
  ASSERT_EQ(run.status, 201) << run.body;
  EXPECT_EQ(json_text(json_at(run.json, "work_queue_id")), json_text(json_at(queue.json, "id")));
  EXPECT_EQ(json_text(json_at(run.json, "work_queue_name")), "q");
  EXPECT_EQ(json_text(json_at(run.json, "work_pool_name")), "pool");
}

TEST_P(DeploymentFlowRuns, AQueueOverrideCreatesTheQueueInTheDeploymentsPool) {
  const std::string default_queue = make_pool("pool");
  const std::string id = make_deployment("nightly", R"("work_pool_name": "pool")");
  ASSERT_EQ(get("/work_pools/pool/queues/gpu").status, 404);
  JsonAnswer run = run_from(id, R"({"work_queue_name": "gpu"})");
  ASSERT_EQ(run.status, 201) << run.body;
  JsonAnswer gpu = read_queue("pool", "gpu");
  ASSERT_EQ(gpu.status, 200) << gpu.body;
  EXPECT_EQ(json_text(json_at(run.json, "work_queue_id")), json_text(json_at(gpu.json, "id")));
  EXPECT_EQ(json_text(json_at(run.json, "work_queue_name")), "gpu");
  EXPECT_EQ(json_text(json_at(run.json, "work_pool_name")), "pool");
  EXPECT_EQ(json_text(json_at(read_deployment(id).json, "work_queue_id")), default_queue) << "the deployment stays put";

  JsonAnswer again = run_from(id, R"({"work_queue_name": "gpu"})");
  EXPECT_EQ(json_text(json_at(again.json, "work_queue_id")), json_text(json_at(gpu.json, "id")));
}

TEST_P(DeploymentFlowRuns, AQueueOverrideWithoutAPoolIs400) {
  const std::string id = make_deployment("nightly");
  HttpResult result = send("POST", "/deployments/" + id + "/create_flow_run", R"({"work_queue_name": "gpu"})");
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(result.body, R"({"detail":"Cannot create flow run in work queue gpu because deployment )" + id +
                             R"( is not associated with a work pool. Please remove work_pool_name and try again."})");
  EXPECT_EQ(call("POST", "/flow_runs/count", "/flow_runs/count", "{}").body, "0");
}

TEST_P(DeploymentFlowRuns, AStateInTheBodyIsHonoured) {
  const std::string id = make_deployment("nightly");
  JsonAnswer pending = run_from(id, R"({"state": {"type": "PENDING"}, "name": "by-hand"})");
  ASSERT_EQ(pending.status, 201) << pending.body;
  EXPECT_EQ(json_text(json_at(pending.json, "state_type")), "PENDING");
  EXPECT_EQ(json_text(json_at(pending.json, "state_name")), "Pending");
  EXPECT_EQ(json_text(json_at(pending.json, "name")), "by-hand");
  EXPECT_TRUE(has_null_member(pending.json, "next_scheduled_start_time")) << pending.body;

  JsonAnswer later = run_from(id, std::string(R"({"state": )") + scheduled_at(kFuture) + "}");
  ASSERT_EQ(later.status, 201) << later.body;
  EXPECT_EQ(json_text(json_at(later.json, "state_type")), "SCHEDULED");
  EXPECT_EQ(json_text(json_at(later.json, "next_scheduled_start_time")), kFuture);
}

TEST_P(DeploymentFlowRuns, AnIdempotencyKeyAnswersTheSameRunWith200) {
  const std::string id = make_deployment("nightly");
  JsonAnswer first = run_from(id, R"({"idempotency_key": "k-1", "name": "first"})");
  ASSERT_EQ(first.status, 201) << first.body;
  JsonAnswer again = run_from(id, R"({"idempotency_key": "k-1", "name": "second"})");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(json_text(json_at(again.json, "id")), json_text(json_at(first.json, "id")));
  EXPECT_EQ(json_text(json_at(again.json, "name")), "first");
  EXPECT_EQ(run_from(id, R"({"idempotency_key": "k-2"})").status, 201);
  EXPECT_EQ(call("POST", "/flow_runs/count", "/flow_runs/count", "{}").body, "2");
}

TEST_P(DeploymentFlowRuns, CreateFlowRunOfAMissingDeploymentIs404) {
  HttpResult result = send("POST", std::string("/deployments/") + kMissing + "/create_flow_run", "{}");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.body, kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, DeploymentFlowRuns, testing::ValuesIn(backend_names()), backend_test_name);

// ---------------------------------------------------------------- the runner's poll

class DeploymentPolling : public DeploymentTest {};

// SCHEDULED runs of the listed deployments due by scheduled_before
// (inclusive), earliest first.
TEST_P(DeploymentPolling, ThePollAnswersTheDueScheduledRunsOfTheDeploymentsByTime) {
  const std::string a = make_deployment("a");
  const std::string b = make_deployment("b");
  const std::string c = make_deployment("c");
  const std::string a_late = run_of(a, scheduled_at(kT3));
  const std::string a_early = run_of(a, scheduled_at(kT2));
  const std::string b_first = run_of(b, scheduled_at(kT1));
  run_of(a, scheduled_at(kFuture));
  run_of(a, R"({"type": "PENDING"})");
  run_of(c, scheduled_at(kT1));

  JsonAnswer answer =
      poll(R"({"deployment_ids": [")" + a + R"(", ")" + b + R"("], "scheduled_before": ")" + kT3 + R"("})");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(members(answer.json, "id"), (std::vector<std::string>{b_first, a_early, a_late}));
  EXPECT_EQ(members(answer.json, "state_type"), (std::vector<std::string>{"SCHEDULED", "SCHEDULED", "SCHEDULED"}));
  EXPECT_EQ(members(answer.json, "deployment_id"), (std::vector<std::string>{b, a, a}));
  // The full FlowRunResponse, with its state.
  ASSERT_TRUE(answer.json.IsArray() && answer.json.Size() == 3) << answer.body;
  EXPECT_EQ(json_text(json_at(json_at(answer.json[0], "state"), "type")), "SCHEDULED");
}

TEST_P(DeploymentPolling, WithoutScheduledBeforeThePollHasNoUpperBoundAndLimitCapsIt) {
  const std::string a = make_deployment("a");
  const std::string future = run_of(a, scheduled_at(kFuture));
  const std::string past = run_of(a, scheduled_at(kT1));
  const std::string ids = R"({"deployment_ids": [")" + a + R"("])";
  EXPECT_EQ(polled_runs(ids + "}"), (std::vector<std::string>{past, future}));
  EXPECT_EQ(polled_runs(ids + R"(, "limit": 1})"), (std::vector<std::string>{past}));
  EXPECT_EQ(polled_runs(R"({"deployment_ids": []})"), (std::vector<std::string>{}));
}

// After answering, the poll marks the listed deployments READY with a
// last_polled, leaving `updated` alone; other deployments are untouched.
TEST_P(DeploymentPolling, APollMarksTheDeploymentsReadyAndPolled) {
  const std::string a = make_deployment("a");
  const std::string other = make_deployment("other");
  JsonAnswer before = read_deployment(a);
  ASSERT_EQ(json_text(json_at(before.json, "status")), "NOT_READY");
  ASSERT_TRUE(has_null_member(before.json, "last_polled"));

  const Timestamp asked = Timestamp::now().plus_seconds(-1);
  ASSERT_EQ(poll(R"({"deployment_ids": [")" + a + R"("]})").status, 200);
  JsonAnswer polled = read_deployment_once_polled(a);
  ASSERT_EQ(polled.status, 200) << polled.body;
  EXPECT_EQ(json_text(json_at(polled.json, "status")), "READY");
  EXPECT_TRUE(asked <= when(json_at(polled.json, "last_polled"))) << polled.body;
  EXPECT_EQ(json_text(json_at(polled.json, "updated")), json_text(json_at(before.json, "updated")));

  JsonAnswer untouched = read_deployment(other);
  EXPECT_EQ(json_text(json_at(untouched.json, "status")), "NOT_READY");
  EXPECT_TRUE(has_null_member(untouched.json, "last_polled")) << untouched.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, DeploymentPolling, testing::ValuesIn(backend_names()), backend_test_name);

// ---------------------------------------------------------------- schedules

class DeploymentSchedules : public DeploymentTest {};

TEST_P(DeploymentSchedules, SchedulesRoundTripInPrefectsShape) {
  JsonAnswer created =
      create_deployment(body_of("nightly", flow(),
                                R"("schedules": [{"schedule": )" + std::string(kInterval) + R"(}, {"schedule": )" +
                                    kCron + R"(, "active": false, "parameters": {"p": 1}}])"));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = json_text(json_at(created.json, "id"));
  JsonAnswer read = read_deployment(id);
  JsonAnswer listed = schedules_of(id);
  ASSERT_EQ(listed.status, 200) << listed.body;
  for (const rapidjson::Value *list : {&json_at(created.json, "schedules"), &json_at(read.json, "schedules"),
                                       static_cast<const rapidjson::Value *>(&listed.json)}) {
    ASSERT_TRUE(list->IsArray() && list->Size() == 2) << json_of(*list);
    const rapidjson::Value &interval = schedule_of_kind(*list, "interval");
    EXPECT_TRUE(json_is(json_at(interval, "schedule"), kIntervalAnswer));
    EXPECT_TRUE(json_at(json_at(interval, "schedule"), "interval").IsDouble()) << "Prefect writes 3600.0";
    EXPECT_TRUE(json_is(json_at(interval, "active"), "true"));
    EXPECT_TRUE(json_is(json_at(interval, "parameters"), "{}"));
    EXPECT_EQ(json_text(json_at(interval, "deployment_id")), id);
    EXPECT_TRUE(has_null_member(interval, "slug"));
    EXPECT_TRUE(json_at(interval, "id").IsString());
    const rapidjson::Value &cron = schedule_of_kind(*list, "cron");
    EXPECT_TRUE(json_is(json_at(cron, "schedule"), kCron));
    EXPECT_TRUE(json_is(json_at(cron, "active"), "false"));
    EXPECT_TRUE(json_is(json_at(cron, "parameters"), R"({"p": 1})"));
    EXPECT_EQ(json_text(json_at(cron, "deployment_id")), id);
  }
}

// objects.md §6: max_scheduled_runs is dropped when schedules come with
// the deployment, and kept when they are posted to /schedules.
TEST_P(DeploymentSchedules, MaxScheduledRunsIsDroppedOnCreateButKeptByTheSchedulesRoute) {
  JsonAnswer created = create_deployment(body_of(
      "nightly", flow(), R"("schedules": [{"schedule": )" + std::string(kCron) + R"(, "max_scheduled_runs": 5}])"));
  ASSERT_EQ(created.status, 201) << created.body;
  const rapidjson::Value &schedules = json_at(created.json, "schedules");
  ASSERT_TRUE(schedules.IsArray() && schedules.Size() == 1) << created.body;
  EXPECT_TRUE(has_null_member(schedules[0], "max_scheduled_runs")) << created.body;

  const std::string id = json_text(json_at(created.json, "id"));
  JsonAnswer added = add_schedules(id, R"([{"schedule": )" + std::string(kInterval) + R"(, "max_scheduled_runs": 5}])");
  ASSERT_EQ(added.status, 201) << added.body;
  ASSERT_TRUE(added.json.IsArray() && added.json.Size() == 1) << added.body;
  EXPECT_TRUE(json_is(json_at(added.json[0], "max_scheduled_runs"), "5"));
}

TEST_P(DeploymentSchedules, PostAnswers201WithTheCreatedSchedulesInOrder) {
  const std::string id = make_deployment("nightly", R"("schedules": [{"schedule": )" + std::string(kCron) + "}]");
  const std::vector<std::string> existing = schedule_ids(id);
  JsonAnswer added = add_schedules(
      id, R"([{"schedule": )" + std::string(kInterval) +
              R"(, "active": false, "parameters": {"p": 1}, "slug": "hourly"}, {"schedule": )" + kOtherCron + "}]");
  ASSERT_EQ(added.status, 201) << added.body;
  ASSERT_TRUE(added.json.IsArray() && added.json.Size() == 2) << added.body;
  const rapidjson::Value &first = added.json[0];
  EXPECT_TRUE(json_is(json_at(first, "schedule"), kIntervalAnswer));
  EXPECT_TRUE(json_is(json_at(first, "active"), "false"));
  EXPECT_TRUE(json_is(json_at(first, "parameters"), R"({"p": 1})"));
  EXPECT_EQ(json_text(json_at(first, "slug")), "hourly");
  EXPECT_EQ(json_text(json_at(first, "deployment_id")), id);
  EXPECT_TRUE(json_at(first, "created").IsString() && json_at(first, "updated").IsString()) << added.body;
  const rapidjson::Value &second = added.json[1];
  EXPECT_TRUE(json_is(json_at(second, "schedule"), kOtherCron));
  EXPECT_TRUE(json_is(json_at(second, "active"), "true"));
  EXPECT_TRUE(json_is(json_at(second, "parameters"), "{}"));
  EXPECT_TRUE(has_null_member(second, "slug"));

  // Added to the ones the deployment had.
  const std::vector<std::string> listed = schedule_ids(id);
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()),
            (std::set<std::string>{existing.at(0), json_text(json_at(first, "id")), json_text(json_at(second, "id"))}));
  EXPECT_EQ(json_at(read_deployment(id).json, "schedules").Size(), 3u);
}

// A deployment's schedules are listed by `updated`, newest first.
TEST_P(DeploymentSchedules, ListingIsByLastUpdateNewestFirst) {
  const std::string id = make_deployment("nightly");
  JsonAnswer first = add_schedules(id, R"([{"schedule": )" + std::string(kInterval) + "}]");
  ASSERT_EQ(first.status, 201) << first.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  JsonAnswer second = add_schedules(id, R"([{"schedule": )" + std::string(kCron) + "}]");
  ASSERT_EQ(second.status, 201) << second.body;
  const std::vector<std::string> a_ids = members(first.json, "id");
  const std::vector<std::string> b_ids = members(second.json, "id");
  ASSERT_TRUE(a_ids.size() == 1 && b_ids.size() == 1) << first.body << "\n" << second.body;
  const std::string a = a_ids[0];
  const std::string b = b_ids[0];
  EXPECT_EQ(schedule_ids(id), (std::vector<std::string>{b, a}));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(patch_schedule(id, a, R"({"active": false})").status, 204);
  EXPECT_EQ(schedule_ids(id), (std::vector<std::string>{a, b}));
}

TEST_P(DeploymentSchedules, PatchAnswers204AndChangesTheSentFields) {
  const std::string id = make_deployment("nightly");
  JsonAnswer added = add_schedules(id, R"([{"schedule": )" + std::string(kInterval) + "}]");
  ASSERT_EQ(added.status, 201) << added.body;
  ASSERT_TRUE(added.json.IsArray() && added.json.Size() == 1) << added.body;
  const std::string schedule_id = json_text(json_at(added.json[0], "id"));

  JsonAnswer patched = patch_schedule(id, schedule_id, R"({"active": false})");
  EXPECT_EQ(patched.status, 204) << patched.body;
  EXPECT_EQ(patched.body, "");
  JsonAnswer listed = schedules_of(id);
  ASSERT_TRUE(listed.json.IsArray() && listed.json.Size() == 1) << listed.body;
  EXPECT_EQ(json_text(json_at(listed.json[0], "id")), schedule_id);
  EXPECT_TRUE(json_is(json_at(listed.json[0], "active"), "false"));
  EXPECT_TRUE(json_is(json_at(listed.json[0], "schedule"), kIntervalAnswer));

  EXPECT_EQ(patch_schedule(id, schedule_id, R"({"schedule": )" + std::string(kCron) + "}").status, 204);
  listed = schedules_of(id);
  ASSERT_TRUE(listed.json.IsArray() && listed.json.Size() == 1) << listed.body;
  EXPECT_TRUE(json_is(json_at(listed.json[0], "schedule"), kCron));
  EXPECT_TRUE(json_is(json_at(listed.json[0], "active"), "false")) << "active was not sent";
}

TEST_P(DeploymentSchedules, DeleteAnswers204AndRemovesOnlyThatSchedule) {
  const std::string id = make_deployment(
      "nightly", R"("schedules": [{"schedule": )" + std::string(kInterval) + R"(}, {"schedule": )" + kCron + "}]");
  JsonAnswer listed = schedules_of(id);
  const std::string gone = json_text(json_at(schedule_of_kind(listed.json, "interval"), "id"));
  const std::string kept = json_text(json_at(schedule_of_kind(listed.json, "cron"), "id"));
  ASSERT_FALSE(gone.empty() || kept.empty()) << listed.body;

  JsonAnswer deleted = delete_schedule(id, gone);
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(deleted.body, "");
  EXPECT_EQ(schedule_ids(id), (std::vector<std::string>{kept}));
  HttpResult again = send("DELETE", "/deployments/" + id + "/schedules/" + gone, "");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.body, R"({"detail":"Schedule not found."})");
}

// A schedule is found within its own deployment only.
TEST_P(DeploymentSchedules, AMissingScheduleOrOneOfAnotherDeploymentIs404) {
  const std::string id = make_deployment("nightly", R"("schedules": [{"schedule": )" + std::string(kCron) + "}]");
  const std::string other = make_deployment("hourly");
  const std::string schedule_id = schedule_ids(id).at(0);
  const char *not_found = R"({"detail":"Schedule not found."})";
  for (const std::string &path :
       {"/deployments/" + id + "/schedules/" + kMissing, "/deployments/" + other + "/schedules/" + schedule_id}) {
    HttpResult patched = send("PATCH", path, R"({"active": false})");
    EXPECT_EQ(patched.status, 404) << path;
    EXPECT_EQ(patched.body, not_found) << path;
    HttpResult deleted = send("DELETE", path, "");
    EXPECT_EQ(deleted.status, 404) << path;
    EXPECT_EQ(deleted.body, not_found) << path;
  }
  JsonAnswer listed = schedules_of(id);
  ASSERT_TRUE(listed.json.IsArray() && listed.json.Size() == 1) << listed.body;
  EXPECT_TRUE(json_is(json_at(listed.json[0], "active"), "true"));
}

TEST_P(DeploymentSchedules, TheScheduleRoutesOfAMissingDeploymentAre404) {
  const std::string base = std::string("/deployments/") + kMissing + "/schedules";
  const std::string one = base + "/" + kMissing;
  for (const auto &[method, path, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"GET", base, ""},
           {"POST", base, R"([{"schedule": )" + std::string(kCron) + "}]"},
           {"PATCH", one, R"({"active": false})"},
           {"DELETE", one, ""}}) {
    HttpResult result = method == "GET" ? get(path) : send(method, path, body);
    EXPECT_EQ(result.status, 404) << method << " " << path;
    EXPECT_EQ(result.body, kNotFoundDot) << method << " " << path;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DeploymentSchedules, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
