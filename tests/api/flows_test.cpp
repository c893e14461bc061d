// /flows CRUD over HTTP on each backend, every body checked against the
// OpenAPI contract, and the stored rows checked in Prefect's formats.
#include "support/api_test.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>

namespace prefectd {
namespace {

using namespace testing_support;

rapidjson::Document parse(const std::string &json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  return document;
}

class Flows : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!IsSkipped()) start();
  }

  rapidjson::Document create(const std::string &body, long expected_status = 201) {
    HttpResult result = send("POST", "/flows/", body);
    EXPECT_EQ(result.status, expected_status) << result.body;
    expect_contract("POST", "/flows/", result);
    return parse(result.body);
  }
};

TEST_P(Flows, CreateReturnsTheNewFlowWith201) {
  auto flow = create(R"({"name": "etl", "tags": ["nightly", "café"], "labels": {"team": "data", "tier": 1}})");
  EXPECT_STREQ(flow["name"].GetString(), "etl");
  ASSERT_EQ(flow["tags"].Size(), 2u);
  EXPECT_STREQ(flow["tags"][1].GetString(), "café");
  EXPECT_STREQ(flow["labels"]["team"].GetString(), "data");
  EXPECT_EQ(flow["labels"]["tier"].GetInt(), 1);
  EXPECT_TRUE(std::regex_match(flow["id"].GetString(),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_STREQ(flow["created"].GetString(), flow["updated"].GetString());
}

TEST_P(Flows, CreatingAnExistingNameReturnsItUnchangedWith200) {
  auto first = create(R"({"name": "etl", "tags": ["a"]})");
  auto again = create(R"({"name": "etl", "tags": ["b"], "labels": {"x": "y"}})", 200);
  EXPECT_STREQ(again["id"].GetString(), first["id"].GetString());
  ASSERT_EQ(again["tags"].Size(), 1u);
  EXPECT_STREQ(again["tags"][0].GetString(), "a");
  EXPECT_EQ(again["labels"].MemberCount(), 0u);
}

TEST_P(Flows, DefaultsAreEmptyTagsAndLabels) {
  auto flow = create(R"({"name": "bare"})");
  EXPECT_EQ(flow["tags"].Size(), 0u);
  EXPECT_TRUE(flow["labels"].IsObject());
  EXPECT_EQ(flow["labels"].MemberCount(), 0u);
}

TEST_P(Flows, ReadByIdAndByName) {
  auto flow = create(R"({"name": "report builder"})");
  std::string id = flow["id"].GetString();
  HttpResult by_id = get("/flows/" + id);
  EXPECT_EQ(by_id.status, 200);
  expect_contract("GET", "/flows/{id}", by_id);
  EXPECT_STREQ(parse(by_id.body)["name"].GetString(), "report builder");
  HttpResult by_name = get("/flows/name/report%20builder");
  EXPECT_EQ(by_name.status, 200) << by_name.body;
  expect_contract("GET", "/flows/name/{name}", by_name);
  EXPECT_STREQ(parse(by_name.body)["id"].GetString(), id.c_str());
}

TEST_P(Flows, MissingFlowsAreNotFound) {
  for (const std::string path : {"/flows/7b1f3c0e-0000-4000-8000-000000000000", "/flows/name/nobody"}) {
    HttpResult result = get(path);
    EXPECT_EQ(result.status, 404) << path;
    EXPECT_EQ(result.body, R"({"detail":"Flow not found"})") << path;
  }
  EXPECT_EQ(send("PATCH", "/flows/7b1f3c0e-0000-4000-8000-000000000000", R"({"tags": []})").status, 404);
  EXPECT_EQ(send("DELETE", "/flows/7b1f3c0e-0000-4000-8000-000000000000", "").status, 404);
  EXPECT_EQ(get("/flows/not-a-uuid").body, R"({"detail":"Not Found"})");
}

TEST_P(Flows, PatchReplacesTagsAndTouchesUpdated) {
  auto flow = create(R"({"name": "etl", "tags": ["a"]})");
  std::string id = flow["id"].GetString();
  HttpResult patched = send("PATCH", "/flows/" + id, R"({"tags": ["b", "c"]})");
  EXPECT_EQ(patched.status, 204);
  EXPECT_EQ(patched.body, "");
  auto read = parse(get("/flows/" + id).body);
  ASSERT_EQ(read["tags"].Size(), 2u);
  EXPECT_STREQ(read["tags"][0].GetString(), "b");
  EXPECT_GT(std::string(read["updated"].GetString()), std::string(read["created"].GetString()));
  EXPECT_EQ(send("PATCH", "/flows/" + id, "{}").status, 204) << "an empty update is accepted";
}

TEST_P(Flows, DeleteRemovesTheFlow) {
  auto flow = create(R"({"name": "etl"})");
  std::string id = flow["id"].GetString();
  HttpResult deleted = send("DELETE", "/flows/" + id, "");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(get("/flows/" + id).status, 404);
  EXPECT_EQ(send("POST", "/flows/", R"({"name": "etl"})").status, 201) << "the name is free again";
}

TEST_P(Flows, StoredRowsUsePrefectsFormats) {
  auto flow = create(R"({"name": "etl", "tags": ["x", "é"], "labels": {"k": true}})");
  server_->stop(SIGTERM, std::chrono::seconds(15));
  auto database = scratch_->open();
  Session session = database->session();
  Statement row = session.prepare("SELECT tags, labels, created FROM flow WHERE name = 'etl'");
  ASSERT_TRUE(row.step());
  if (GetParam() == "sqlite") {
    // Exactly what Python Prefect writes: json.dumps and naive UTC text.
    EXPECT_EQ(row.json(0), R"(["x", "\u00e9"])");
    EXPECT_EQ(row.json(1), R"({"k": true})");
    EXPECT_TRUE(std::regex_match(*row.text(2), std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6})"))) << *row.text(2);
  } else {
    EXPECT_EQ(row.json(0), R"(["x", "é"])");  // jsonb's own rendering
  }
  EXPECT_EQ(row.timestamp(2)->to_iso8601(), flow["created"].GetString());
}

struct BadFlowBody {
  const char *method;
  const char *body;
  const char *expected;  // the exact 422 body
};

TEST_P(Flows, InvalidCreateBodiesAre422InPydanticsShape) {
  const BadFlowBody cases[] = {
      {"POST", R"({"tags": []})",
       R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"tags":[]}}],"request_body":{"tags":[]}})"},
      {"POST", R"({"name": "x", "color": "red"})",
       R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"extra_forbidden","loc":["body","color"],"msg":"Extra inputs are not permitted","input":"red"}],"request_body":{"name":"x","color":"red"}})"},
      {"POST", R"({"name": "a/b"})",
       R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"string_pattern_mismatch","loc":["body","name"],"msg":"String should match pattern '^[^/%&><]+$'","input":"a/b","ctx":{"pattern":"^[^/%&><]+$"}}],"request_body":{"name":"a/b"}})"},
      {"POST", R"({"name": 7, "tags": "t"})",
       R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"string_type","loc":["body","name"],"msg":"Input should be a valid string","input":7},{"type":"list_type","loc":["body","tags"],"msg":"Input should be a valid list","input":"t"}],"request_body":{"name":7,"tags":"t"}})"},
      {"POST", R"({"name": "x", "tags": ["ok", 1]})",
       R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"string_type","loc":["body","tags",1],"msg":"Input should be a valid string","input":1}],"request_body":{"name":"x","tags":["ok",1]}})"},
      {"POST", R"(["name"])",
       R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":["name"]}],"request_body":["name"]})"},
      // FastAPI: Python's json message and character position, the raw text echoed.
      {"POST", R"({"name": )",
       R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting value"}}],"request_body":"{\"name\": "})"},
      {"PATCH", R"({"name": "renamed"})",
       R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"extra_forbidden","loc":["body","name"],"msg":"Extra inputs are not permitted","input":"renamed"}],"request_body":{"name":"renamed"}})"},
  };
  auto flow = create(R"({"name": "kept", "tags": ["t"]})");
  std::string id = flow["id"].GetString();
  for (const BadFlowBody &bad : cases) {
    HttpResult result = send(bad.method, std::string(bad.method) == "POST" ? "/flows/" : "/flows/" + id, bad.body);
    EXPECT_EQ(result.status, 422) << bad.body;
    if (bad.expected != nullptr) {
      EXPECT_EQ(result.body, bad.expected);
    } else {
      auto error = parse(result.body);
      EXPECT_STREQ(error["exception_detail"][0]["type"].GetString(), "json_invalid") << result.body;
    }
  }
  // Nothing was written by any of them.
  auto unchanged = parse(get("/flows/" + id).body);
  EXPECT_STREQ(unchanged["tags"][0].GetString(), "t");
  EXPECT_EQ(get("/flows/name/x").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, Flows, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
