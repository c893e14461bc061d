// /artifacts over HTTP on each backend: create, read, latest by key,
// update, delete, and filter/count over artifacts and their collections.
// The collection of a key follows its newest artifact through creates and
// deletes. Every documented answer is checked against the contract.
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

constexpr const char *kMissingId = "7b1f3c0e-0000-4000-8000-000000000000";
constexpr const char *kNotFound = R"({"detail":"Artifact not found."})";

class Artifacts : public RunApiTest {
 protected:
  JsonAnswer create(const std::string &body) { return call("POST", "/artifacts/", "/artifacts/", body); }

  std::string create_id(const std::string &body) {
    JsonAnswer created = create(body);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json.IsObject() ? created.json["id"].GetString() : "";
  }

  JsonAnswer read(const std::string &id) { return call("GET", "/artifacts/" + id, "/artifacts/{id}"); }
  JsonAnswer latest(const std::string &key) {
    return call("GET", "/artifacts/" + key + "/latest", "/artifacts/{key}/latest");
  }

  // The collections of /artifacts/latest/filter for `body`.
  JsonAnswer collections(const std::string &body = "{}") {
    return call("POST", "/artifacts/latest/filter", "/artifacts/latest/filter", body);
  }

  // The `member` of each artifact /artifacts/filter returns for `body`.
  std::vector<std::string> filtered(const std::string &body, const char *member = "data") {
    JsonAnswer answer = call("POST", "/artifacts/filter", "/artifacts/filter", body);
    EXPECT_EQ(answer.status, 200) << answer.body;
    std::vector<std::string> values;
    if (!answer.json.IsArray()) return values;
    for (const auto &artifact : answer.json.GetArray()) values.emplace_back(artifact[member].GetString());
    return values;
  }

  std::string count(const std::string &path, const std::string &body) { return call("POST", path, path, body).body; }
};

TEST_P(Artifacts, CreateReturns201WithEveryField) {
  JsonAnswer created = create(R"({"key": "report-1", "type": "markdown", "description": "weekly",
                                  "data": "# Hi", "metadata_": {"owner": "data"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_STREQ(created.json["key"].GetString(), "report-1");
  EXPECT_STREQ(created.json["type"].GetString(), "markdown");
  EXPECT_STREQ(created.json["data"].GetString(), "# Hi");
  EXPECT_STREQ(created.json["metadata_"]["owner"].GetString(), "data");
  EXPECT_TRUE(created.json["flow_run_id"].IsNull());
  JsonAnswer stored = read(created.json["id"].GetString());
  EXPECT_EQ(stored.status, 200);
  EXPECT_EQ(stored.json, created.json);
}

TEST_P(Artifacts, AnArtifactWithoutKeyHasNoCollection) {
  JsonAnswer created = create(R"({"data": {"rows": [1, 2]}, "type": "table"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(created.json["key"].IsNull());
  EXPECT_EQ(created.json["data"]["rows"].Size(), 2u);
  EXPECT_EQ(count("/artifacts/latest/count", "{}"), "0");
}

TEST_P(Artifacts, AKeyOutsideLowercaseDigitsAndDashesIs422) {
  JsonAnswer bad = create(R"({"key": "My_Key", "data": 1})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body,
            R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"value_error",)"
            R"("loc":["body","key"],"msg":"Value error, Artifact key must only contain lowercase letters, )"
            R"(numbers, and dashes.","input":"My_Key","ctx":{"error":{}}}],"request_body":{"key":"My_Key","data":1}})");
  EXPECT_EQ(create(R"({"data": 1, "color": "red"})").status, 422) << "unknown keys are forbidden";
}

TEST_P(Artifacts, LongMetadataValuesAreCutTo500CharactersPlusDots) {
  std::string long_value;
  for (int i = 0; i < 600; ++i) long_value += "é";
  JsonAnswer created = create(R"({"data": 1, "metadata_": {"long": ")" + long_value + R"(", "short": "ok"}})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string expected;
  for (int i = 0; i < 500; ++i) expected += "é";
  expected += "...";
  EXPECT_EQ(std::string(created.json["metadata_"]["long"].GetString()), expected);
  EXPECT_STREQ(created.json["metadata_"]["short"].GetString(), "ok");
}

TEST_P(Artifacts, MissingArtifactsAre404) {
  for (const std::string &path :
       {std::string("/artifacts/") + kMissingId, std::string("/artifacts/no-such-key/latest")}) {
    HttpResult answer = get(path);
    EXPECT_EQ(answer.status, 404) << path;
    EXPECT_EQ(answer.body, kNotFound) << path;
  }
  const std::string missing = std::string("/artifacts/") + kMissingId;
  EXPECT_EQ(send("PATCH", missing, R"({"data": 1})").body, kNotFound);
  HttpResult removed = send("DELETE", missing, "");
  EXPECT_EQ(removed.status, 404);
  EXPECT_EQ(removed.body, kNotFound);
}

TEST_P(Artifacts, TheCollectionFollowsTheNewestArtifactThroughCreatesAndDeletes) {
  const std::string first = create_id(R"({"key": "nightly", "data": "v1", "description": "one"})");
  const std::string second = create_id(R"({"key": "nightly", "data": "v2", "description": "two"})");
  const std::string third = create_id(R"({"key": "nightly", "data": "v3"})");

  JsonAnswer newest = latest("nightly");
  ASSERT_EQ(newest.status, 200) << newest.body;
  EXPECT_STREQ(newest.json["data"].GetString(), "v3");
  JsonAnswer listed = collections();
  ASSERT_EQ(listed.json.Size(), 1u) << listed.body;
  EXPECT_EQ(std::string(listed.json[0]["latest_id"].GetString()), third);
  EXPECT_TRUE(listed.json[0]["description"].IsNull()) << "the newest artifact's fields replace the old ones";

  // Deleting the latest moves the pointer to the next newest, with its fields.
  EXPECT_EQ(call("DELETE", "/artifacts/" + third, "/artifacts/{id}").status, 204);
  listed = collections();
  EXPECT_EQ(std::string(listed.json[0]["latest_id"].GetString()), second);
  EXPECT_STREQ(listed.json[0]["data"].GetString(), "v2");
  EXPECT_STREQ(listed.json[0]["description"].GetString(), "two");

  // Deleting an older one leaves the pointer alone.
  EXPECT_EQ(call("DELETE", "/artifacts/" + first, "/artifacts/{id}").status, 204);
  EXPECT_EQ(std::string(collections().json[0]["latest_id"].GetString()), second);

  // Deleting the last one removes the collection.
  EXPECT_EQ(call("DELETE", "/artifacts/" + second, "/artifacts/{id}").status, 204);
  EXPECT_EQ(get("/artifacts/nightly/latest").status, 404);
  EXPECT_EQ(count("/artifacts/latest/count", "{}"), "0");
  EXPECT_EQ(count("/artifacts/count", "{}"), "0");
}

TEST_P(Artifacts, PatchWritesTheSentFieldsToTheArtifactAndItsCollection) {
  const std::string older = create_id(R"({"key": "k", "data": "old", "description": "d0"})");
  const std::string newer = create_id(R"({"key": "k", "data": "new", "description": "d1"})");

  JsonAnswer patched = call("PATCH", "/artifacts/" + newer, "/artifacts/{id}", R"({"data": {"n": 2}})");
  EXPECT_EQ(patched.status, 204) << patched.body;
  JsonAnswer stored = read(newer);
  EXPECT_EQ(stored.json["data"]["n"].GetInt(), 2);
  EXPECT_STREQ(stored.json["description"].GetString(), "d1") << "description was not sent";
  EXPECT_EQ(collections().json[0]["data"]["n"].GetInt(), 2) << "the latest's collection follows";

  EXPECT_EQ(call("PATCH", "/artifacts/" + older, "/artifacts/{id}", R"({"description": null})").status, 204);
  EXPECT_TRUE(read(older).json["description"].IsNull());
  EXPECT_STREQ(collections().json[0]["description"].GetString(), "d1") << "an older artifact leaves it alone";

  EXPECT_EQ(call("PATCH", "/artifacts/" + newer, "/artifacts/{id}", R"({"key": "other"})").status, 422)
      << "the key cannot be updated";
}

TEST_P(Artifacts, FilterAndCountByTheArtifactsOwnFields) {
  const std::string table = create_id(R"({"key": "sales", "type": "table", "data": "a"})");
  create_id(R"({"key": "sales-eu", "type": "markdown", "data": "b"})");
  create_id(R"({"type": "result", "data": "c"})");

  EXPECT_EQ(filtered(R"({"sort": "KEY_ASC", "artifacts": {"key": {"exists_": true}}})"),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(filtered(R"({"artifacts": {"key": {"exists_": false}}})"), (std::vector<std::string>{"c"}));
  EXPECT_EQ(filtered(R"({"artifacts": {"key": {"like_": "EU"}}})"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(filtered(R"({"artifacts": {"key": {"any_": ["sales"]}}})"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(filtered(R"({"sort": "CREATED_DESC", "artifacts": {"type": {"not_any_": ["result"]}}})"),
            (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(filtered(R"({"artifacts": {"id": {"any_": [")" + table + R"("]}}})"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(filtered(R"({"sort": "CREATED_DESC", "limit": 1, "offset": 1})"), (std::vector<std::string>{"b"}));
  EXPECT_EQ(count("/artifacts/count", R"({"artifacts": {"type": {"any_": ["table", "markdown"]}}})"), "2");

  JsonAnswer unknown = call("POST", "/artifacts/filter", "/artifacts/filter", R"({"artifacts": {"latest_id": {}}})");
  EXPECT_EQ(unknown.status, 422) << "latest_id belongs to the collection filter";
}

TEST_P(Artifacts, FilterByTheRunsArtifactsName) {
  const std::string flow = create_flow("etl");
  JsonAnswer run = create_flow_run(flow, R"("tags": ["nightly"])");
  ASSERT_EQ(run.status, 201) << run.body;
  const std::string run_id = run.json["id"].GetString();
  JsonAnswer task = create_task_run(run_id, "extract");
  ASSERT_EQ(task.status, 201) << task.body;
  const std::string task_id = task.json["id"].GetString();
  create_id(R"({"key": "from-run", "data": "run", "flow_run_id": ")" + run_id + R"("})");
  create_id(R"({"key": "from-task", "data": "task", "flow_run_id": ")" + run_id + R"(", "task_run_id": ")" + task_id +
            R"("})");
  create_id(R"({"key": "loose", "data": "loose"})");

  EXPECT_EQ(filtered(R"({"sort": "KEY_ASC", "flow_runs": {"tags": {"all_": ["nightly"]}}})"),
            (std::vector<std::string>{"run", "task"}));
  EXPECT_EQ(filtered(R"({"flows": {"name": {"any_": ["etl"]}}, "task_runs": {}})"), (std::vector<std::string>{"task"}));
  EXPECT_EQ(filtered(R"({"flows": {"name": {"any_": ["other"]}}})"), (std::vector<std::string>{}));
  EXPECT_EQ(filtered(R"({"artifacts": {"task_run_id": {"any_": [")" + task_id + R"("]}}})"),
            (std::vector<std::string>{"task"}));
  EXPECT_EQ(count("/artifacts/count", R"({"flow_runs": {"id": {"any_": [")" + run_id + R"("]}}})"), "2");
  EXPECT_EQ(count("/artifacts/latest/count", R"({"task_runs": {}})"), "1");
  EXPECT_EQ(count("/artifacts/latest/count", R"({"artifacts": {"flow_run_id": {"any_": [")" + run_id + R"("]}}})"),
            "2");
}

TEST_P(Artifacts, LatestFilterListsOneCollectionPerKey) {
  create_id(R"({"key": "alpha", "data": 1})");
  const std::string alpha_latest = create_id(R"({"key": "alpha", "data": 2})");
  create_id(R"({"key": "beta", "data": 3})");
  create_id(R"({"data": 4})");

  JsonAnswer listed = collections(R"({"sort": "KEY_DESC"})");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json.Size(), 2u);
  EXPECT_STREQ(listed.json[0]["key"].GetString(), "beta");
  EXPECT_EQ(std::string(listed.json[1]["latest_id"].GetString()), alpha_latest);
  EXPECT_EQ(listed.json[1]["data"].GetInt(), 2);

  JsonAnswer by_latest = collections(R"({"artifacts": {"latest_id": {"any_": [")" + alpha_latest + R"("]}}})");
  ASSERT_EQ(by_latest.json.Size(), 1u);
  EXPECT_STREQ(by_latest.json[0]["key"].GetString(), "alpha");
  EXPECT_EQ(collections(R"({"artifacts": {"key": {"like_": "et"}}})").json.Size(), 1u);
  EXPECT_EQ(count("/artifacts/latest/count", R"({"artifacts": {"key": {"any_": ["alpha", "gamma"]}}})"), "1");

  JsonAnswer wrong = collections(R"({"artifacts": {"id": {"any_": []}}})");
  EXPECT_EQ(wrong.status, 422) << "the collection filter has latest_id, not id";
}

TEST_P(Artifacts, ResultArtifactsOfStatesJoinTheirKeysCollection) {
  const std::string flow = create_flow("etl");
  JsonAnswer run = create_flow_run(flow);
  const std::string run_id = run.json["id"].GetString();
  JsonAnswer state = set_flow_run_state(
      run_id, R"({"type": "RUNNING", "data": {"type": "reference", "artifact_key": "out", "artifact_type": "result",
                  "storage_key": "abc"}})");
  ASSERT_EQ(state.status, 201) << state.body;
  JsonAnswer newest = latest("out");
  ASSERT_EQ(newest.status, 200) << newest.body;
  EXPECT_STREQ(newest.json["type"].GetString(), "result");
  EXPECT_STREQ(newest.json["data"]["storage_key"].GetString(), "abc");
  EXPECT_FALSE(newest.json["data"].HasMember("artifact_key"));
  EXPECT_EQ(std::string(newest.json["flow_run_id"].GetString()), run_id);
}

INSTANTIATE_TEST_SUITE_P(Backends, Artifacts, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
