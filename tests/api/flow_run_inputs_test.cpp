// /flow_runs/{id}/input over HTTP on each backend: create, filter, read as
// plain text and delete, with Prefect's failures; success answers checked
// against the OpenAPI contract.
#include "support/run_api_test.h"

#include <gtest/gtest.h>

namespace prefectd {
namespace {

using namespace testing_support;

class FlowRunInputs : public RunApiTest {
 protected:
  void SetUp() override {
    RunApiTest::SetUp();
    if (IsSkipped()) return;
    run_id_ = create_flow_run(create_flow()).json["id"].GetString();
  }

  std::string input_path(const std::string &suffix = "") const { return "/flow_runs/" + run_id_ + "/input" + suffix; }

  JsonAnswer create_input(const std::string &key, const std::string &value_json, const std::string &extra = "") {
    std::string body = R"({"key": ")" + key + R"(", "value": )" + value_json;
    if (!extra.empty()) body += ", " + extra;
    return call("POST", input_path(), "/flow_runs/{id}/input", body + "}");
  }

  JsonAnswer filter(const std::string &body) {
    return call("POST", input_path("/filter"), "/flow_runs/{id}/input/filter", body);
  }

  std::string run_id_;
};

constexpr const char *kMissingRun = "7b1f3c0e-0000-4000-8000-000000000000";

TEST_P(FlowRunInputs, CreateAnswers201NullAndReadReturnsTheValueAsPlainText) {
  JsonAnswer created = create_input("approval", R"("{\"approved\": true}")", R"("sender": "reviewer-ui")");
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.body, "null");
  HttpResult read = get(input_path("/approval"));
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.body, R"({"approved": true})");
  EXPECT_EQ(read.headers["content-type"], "text/plain; charset=utf-8");
  expect_contract("GET", "/flow_runs/{id}/input/{key}", read);
}

TEST_P(FlowRunInputs, ValueIsKeptVerbatimEvenWhenItIsNotJson) {
  ASSERT_EQ(create_input("note", R"("plain words, not JSON")").status, 201);
  HttpResult read = get(input_path("/note"));
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, "plain words, not JSON");
}

TEST_P(FlowRunInputs, SecondInputWithTheSameKeyIsAConflict) {
  ASSERT_EQ(create_input("answer", R"("1")").status, 201);
  HttpResult again = send("POST", input_path(), R"({"key": "answer", "value": "2"})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body, R"({"detail":"A flow run input with this key already exists."})");
  EXPECT_EQ(get(input_path("/answer")).body, "1");
}

TEST_P(FlowRunInputs, SameKeyOnAnotherRunIsIndependent) {
  ASSERT_EQ(create_input("answer", R"("1")").status, 201);
  const std::string other = create_flow_run(create_flow("other")).json["id"].GetString();
  JsonAnswer created =
      call("POST", "/flow_runs/" + other + "/input", "/flow_runs/{id}/input", R"({"key": "answer", "value": "2"})");
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(get("/flow_runs/" + other + "/input/answer").body, "2");
}

TEST_P(FlowRunInputs, CreateOnAMissingRunIsNotFound) {
  HttpResult result =
      send("POST", std::string("/flow_runs/") + kMissingRun + "/input", R"({"key": "answer", "value": "1"})");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.body, R"({"detail":"Flow run not found"})");
}

TEST_P(FlowRunInputs, KeyWithCharactersOutsideLowercaseDigitsAndDashesIs422) {
  HttpResult result = send("POST", input_path(), R"({"key": "Not_Valid", "value": "1"})");
  EXPECT_EQ(result.status, 422) << result.body;
  expect_contract("POST", "/flow_runs/{id}/input", result);
  rapidjson::Document json = parse_json(result.body);
  const auto &issue = json["exception_detail"][0];
  EXPECT_STREQ(issue["type"].GetString(), "value_error");
  EXPECT_STREQ(issue["loc"][1].GetString(), "key");
  EXPECT_STREQ(issue["msg"].GetString(),
               "Value error, value must only contain lowercase letters, numbers, and dashes.");
  EXPECT_STREQ(issue["input"].GetString(), "Not_Valid");
  EXPECT_STREQ(json["request_body"]["key"].GetString(), "Not_Valid");
  EXPECT_EQ(get(input_path("/Not_Valid")).status, 404);
}

TEST_P(FlowRunInputs, MissingKeyOrValueIs422FromTheContract) {
  JsonAnswer no_value = call("POST", input_path(), "/flow_runs/{id}/input", R"({"key": "answer"})");
  EXPECT_EQ(no_value.status, 422);
  EXPECT_STREQ(no_value.json["exception_detail"][0]["type"].GetString(), "missing");
  EXPECT_EQ(call("POST", input_path(), "/flow_runs/{id}/input", R"({"value": "1"})").status, 422);
}

TEST_P(FlowRunInputs, FilterReturnsOneOldestMatchByDefault) {
  ASSERT_EQ(create_input("reply-1", R"("a")", R"("sender": "bob")").status, 201);
  ASSERT_EQ(create_input("reply-2", R"("b")").status, 201);
  ASSERT_EQ(create_input("other", R"("c")").status, 201);
  JsonAnswer found = filter(R"({"prefix": "reply-"})");
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json.Size(), 1u);
  const auto &input = found.json[0];
  EXPECT_STREQ(input["key"].GetString(), "reply-1");
  EXPECT_STREQ(input["value"].GetString(), "a");
  EXPECT_STREQ(input["sender"].GetString(), "bob");
  EXPECT_STREQ(input["flow_run_id"].GetString(), run_id_.c_str());
  EXPECT_TRUE(input["id"].IsString());
  EXPECT_TRUE(input["created"].IsString());
}

TEST_P(FlowRunInputs, FilterHonoursLimitAndExcludedKeysInCreationOrder) {
  for (const char *key : {"reply-1", "reply-2", "reply-3", "other"}) ASSERT_EQ(create_input(key, R"("x")").status, 201);
  JsonAnswer found = filter(R"({"prefix": "reply", "limit": 10, "exclude_keys": ["reply-2"]})");
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json.Size(), 2u);
  EXPECT_STREQ(found.json[0]["key"].GetString(), "reply-1");
  EXPECT_STREQ(found.json[0]["sender"].IsNull() ? "null" : "set", "null");
  EXPECT_STREQ(found.json[1]["key"].GetString(), "reply-3");
  JsonAnswer all = filter(R"({"prefix": "", "limit": 10})");
  EXPECT_EQ(all.json.Size(), 4u);
}

TEST_P(FlowRunInputs, FilterOnARunWithoutInputsIsEmpty) {
  JsonAnswer found = call("POST", std::string("/flow_runs/") + kMissingRun + "/input/filter",
                          "/flow_runs/{id}/input/filter", R"({"prefix": "x", "limit": 5})");
  EXPECT_EQ(found.status, 200);
  EXPECT_EQ(found.body, "[]");
}

TEST_P(FlowRunInputs, FilterNeedsAPrefix) {
  JsonAnswer result = filter(R"({"limit": 5})");
  EXPECT_EQ(result.status, 422);
}

TEST_P(FlowRunInputs, ReadingAMissingInputIsNotFound) {
  HttpResult result = get(input_path("/nothing"));
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.body, R"({"detail":"Flow run input not found"})");
}

TEST_P(FlowRunInputs, DeleteRemovesTheInputOnce) {
  ASSERT_EQ(create_input("answer", R"("1")").status, 201);
  JsonAnswer deleted = call("DELETE", input_path("/answer"), "/flow_runs/{id}/input/{key}");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(deleted.body, "");
  EXPECT_EQ(get(input_path("/answer")).status, 404);
  HttpResult again = send("DELETE", input_path("/answer"), "");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.body, R"({"detail":"Flow run input not found"})");
  EXPECT_EQ(create_input("answer", R"("2")").status, 201);
}

TEST_P(FlowRunInputs, InputsGoWithTheirRun) {
  ASSERT_EQ(create_input("answer", R"("1")").status, 201);
  ASSERT_EQ(send("DELETE", "/flow_runs/" + run_id_, "").status, 204);
  EXPECT_EQ(get(input_path("/answer")).status, 404);
}

TEST_P(FlowRunInputs, ResumeFindsTheRunInputSchemaCreatedHere) {
  ASSERT_EQ(set_flow_run_state(run_id_, R"({"type": "RUNNING"})").status, 201);
  JsonAnswer paused = set_flow_run_state(
      run_id_, R"({"type": "PAUSED", "state_details": {"pause_key": "p1", "pause_timeout": "2099-01-01T00:00:00Z",
                               "run_input_keyset": {"schema": "paused-schema"}}})");
  ASSERT_EQ(paused.status, 201) << paused.body;
  JsonAnswer refused = call("POST", "/flow_runs/" + run_id_ + "/resume", "/flow_runs/{id}/resume", "{}");
  EXPECT_STREQ(refused.json["status"].GetString(), "REJECT") << refused.body;
  ASSERT_EQ(create_input("paused-schema", R"("{}")").status, 201);
  JsonAnswer resumed = call("POST", "/flow_runs/" + run_id_ + "/resume", "/flow_runs/{id}/resume", "{}");
  EXPECT_STREQ(resumed.json["status"].GetString(), "ACCEPT") << resumed.body;
}

// A run paused with a run_input_keyset whose schema (stored as the input
// "resume-schema") asks for a string name and an optional integer age.
class ResumeRunInput : public FlowRunInputs {
 protected:
  void SetUp() override {
    FlowRunInputs::SetUp();
    if (IsSkipped()) return;
    ASSERT_EQ(set_flow_run_state(run_id_, R"({"type": "RUNNING"})").status, 201);
    JsonAnswer paused = set_flow_run_state(
        run_id_, R"({"type": "PAUSED", "state_details": {"pause_key": "p1", "pause_timeout": "2099-01-01T00:00:00Z",
                     "run_input_keyset": {"schema": "resume-schema", "response": "resume-response",
                                          "description": "resume-description"}}})");
    ASSERT_EQ(paused.status, 201) << paused.body;
  }

  void store_schema(const std::string &schema_text_json) {
    ASSERT_EQ(create_input("resume-schema", schema_text_json).status, 201);
  }

  JsonAnswer resume(const std::string &body) {
    return call("POST", "/flow_runs/" + run_id_ + "/resume", "/flow_runs/{id}/resume", body);
  }

  // The answer Prefect gives an input it refuses: 200, REJECT, the paused
  // state, abort details with the reason; nothing stored, still paused.
  void expect_refused(const JsonAnswer &answer, const std::string &reason) {
    EXPECT_EQ(answer.status, 200);
    EXPECT_STREQ(answer.json["status"].GetString(), "REJECT") << answer.body;
    EXPECT_STREQ(answer.json["state"]["type"].GetString(), "PAUSED");
    EXPECT_STREQ(answer.json["details"]["type"].GetString(), "abort_details");
    EXPECT_EQ(answer.json["details"]["reason"].GetString(), reason);
    EXPECT_EQ(get(input_path("/resume-response")).status, 404);
    EXPECT_STREQ(read_flow_run(run_id_).json["state_type"].GetString(), "PAUSED");
  }
};

constexpr const char *kNameAndAgeSchema =
    R"("{\"title\": \"Answer\", \"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}, )"
    R"(\"age\": {\"type\": \"integer\"}}, \"required\": [\"name\"]}")";

TEST_P(ResumeRunInput, ValidInputResumesTheRunAndIsStoredUnderTheResponseKey) {
  store_schema(kNameAndAgeSchema);
  JsonAnswer resumed = resume(R"({"run_input": {"name": "Ann", "age": 3}})");
  EXPECT_EQ(resumed.status, 201);
  EXPECT_STREQ(resumed.json["status"].GetString(), "ACCEPT") << resumed.body;
  HttpResult stored = get(input_path("/resume-response"));
  ASSERT_EQ(stored.status, 200) << stored.body;
  EXPECT_EQ(stored.body, R"({"name":"Ann","age":3})");  // orjson's compact text
}

TEST_P(ResumeRunInput, AnOptionalPropertyWithoutDefaultAcceptsNull) {
  store_schema(kNameAndAgeSchema);
  JsonAnswer resumed = resume(R"({"run_input": {"name": "Ann", "age": null}})");
  EXPECT_STREQ(resumed.json["status"].GetString(), "ACCEPT") << resumed.body;
}

TEST_P(ResumeRunInput, AValueOfTheWrongTypeIsRefusedNamingTheField) {
  store_schema(kNameAndAgeSchema);
  expect_refused(resume(R"({"run_input": {"name": 5}})"),
                 "Reason: Validation failed for field 'name'. Failure reason: 5 is not of type 'string'");
}

TEST_P(ResumeRunInput, AMissingRequiredPropertyIsRefusedAtTheTop) {
  store_schema(kNameAndAgeSchema);
  expect_refused(resume("{}"), "Reason: Validation failed. Failure reason: 'name' is a required property");
}

TEST_P(ResumeRunInput, ASchemaThatIsNotJsonIsRefused) {
  store_schema(R"("not json")");
  expect_refused(resume(R"({"run_input": {"name": "Ann"}})"), "Run input schema is not valid JSON.");
}

INSTANTIATE_TEST_SUITE_P(Backends, ResumeRunInput, testing::ValuesIn(backend_names()), backend_test_name);

INSTANTIATE_TEST_SUITE_P(Backends, FlowRunInputs, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
