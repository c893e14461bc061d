// Request validation against Prefect's OpenAPI operations: pydantic v2's
// issues (type, loc, msg, input, ctx) in its order, FastAPI's body rules,
// defaults filled and lax input normalised.
#include "api/json_writer.h"
#include "validation/openapi_document.h"
#include "validation/prefect_contract.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

namespace prefectd {
namespace {

constexpr const char *kFlowId = "7b1f3c0e-0000-4000-8000-000000000000";

// The 422's exception_detail array as JSON, or "valid" plus the validated
// body (or query, when `show_query`).
std::string outcome(const char *method, const char *pattern, const std::string &body,
                    std::vector<std::pair<std::string, std::string>> query = {}, bool show_query = false) {
  auto validator = prefect_request_validator(method, pattern, RequestValidator::BodyDefaults::Fill);
  HttpRequest request;
  request.method = method;
  request.body = body;
  request.query = std::move(query);
  ValidatedRequest validated;
  try {
    validator->validate(request, validated);
  } catch (const HttpError &error) {
    EXPECT_EQ(error.status(), 422);
    rapidjson::Document answer;
    answer.Parse(error.body().c_str());
    return to_json(answer["exception_detail"]);
  }
  return "valid " + to_json(show_query ? validated.query : validated.body);
}

std::string request_body_echo(const char *method, const char *pattern, const std::string &body) {
  auto validator = prefect_request_validator(method, pattern, RequestValidator::BodyDefaults::Fill);
  HttpRequest request;
  request.body = body;
  ValidatedRequest validated;
  try {
    validator->validate(request, validated);
  } catch (const HttpError &error) {
    rapidjson::Document answer;
    answer.Parse(error.body().c_str());
    return to_json(answer["request_body"]);
  }
  return "valid";
}

TEST(OpenApiDocument, RouterPatternsMapToPathTemplates) {
  EXPECT_EQ(OpenApiDocument::path_template("/flows/{id:uuid}"), "/flows/{id}");
  EXPECT_EQ(OpenApiDocument::path_template("/flows/name/{name}"), "/flows/name/{name}");
  EXPECT_NE(OpenApiDocument::prefect().operation("POST", "/flows/filter"), nullptr);
  EXPECT_EQ(OpenApiDocument::prefect().operation("PUT", "/flows/filter"), nullptr);
}

TEST(RequestValidation, RouteMissingFromTheContractIsRefusedAtRegistration) {
  EXPECT_THROW(prefect_request_validator("POST", "/no/such/route", RequestValidator::BodyDefaults::Fill),
               std::logic_error);
}

TEST(RequestValidation, FlowCreate_ValidBodyKeepsWhatWasSent) {
  EXPECT_EQ(outcome("POST", "/flows/", R"({"name":"etl","tags":["a"],"labels":{"k":1,"f":1.5,"b":true}})"),
            R"(valid {"name":"etl","tags":["a"],"labels":{"k":1,"f":1.5,"b":true}})");
}

TEST(RequestValidation, FlowCreate_EveryProblemInFieldOrderThenExtras) {
  EXPECT_EQ(
      outcome("POST", "/flows/", R"({"color":"red","tags":[1,"ok",null]})"),
      R"([{"type":"missing","loc":["body","name"],"msg":"Field required","input":{"color":"red","tags":[1,"ok",null]}},)"
      R"({"type":"string_type","loc":["body","tags",0],"msg":"Input should be a valid string","input":1},)"
      R"({"type":"string_type","loc":["body","tags",2],"msg":"Input should be a valid string","input":null},)"
      R"({"type":"extra_forbidden","loc":["body","color"],"msg":"Extra inputs are not permitted","input":"red"}])");
}

TEST(RequestValidation, FlowCreate_LabelValueTriesEveryUnionMemberUnderItsTag) {
  EXPECT_EQ(
      outcome("POST", "/flows/", R"({"name":"x","labels":{"k":[1]}})"),
      R"([{"type":"bool_type","loc":["body","labels","k","bool"],"msg":"Input should be a valid boolean","input":[1]},)"
      R"({"type":"int_type","loc":["body","labels","k","int"],"msg":"Input should be a valid integer","input":[1]},)"
      R"({"type":"float_type","loc":["body","labels","k","float"],"msg":"Input should be a valid number","input":[1]},)"
      R"({"type":"string_type","loc":["body","labels","k","str"],"msg":"Input should be a valid string","input":[1]}])");
}

TEST(RequestValidation, FlowCreate_OptionalDictReportsItsOwnTypeWithoutUnionTag) {
  EXPECT_EQ(
      outcome("POST", "/flows/", R"({"name":"x","labels":"k=v"})"),
      R"([{"type":"dict_type","loc":["body","labels"],"msg":"Input should be a valid dictionary","input":"k=v"}])");
}

TEST(RequestValidation, FlowCreate_PatternMismatch) {
  EXPECT_EQ(
      outcome("POST", "/flows/", R"({"name":"a/b"})"),
      R"([{"type":"string_pattern_mismatch","loc":["body","name"],"msg":"String should match pattern '^[^/%&><]+$'","input":"a/b","ctx":{"pattern":"^[^/%&><]+$"}}])");
}

TEST(RequestValidation, RequiredBodyAbsentOrNullIsMissingAtBody) {
  const char *missing = R"([{"type":"missing","loc":["body"],"msg":"Field required","input":null}])";
  EXPECT_EQ(outcome("POST", "/flows/", ""), missing);
  EXPECT_EQ(outcome("POST", "/flows/", "null"), missing);
}

TEST(RequestValidation, BodyThatIsNotAnObjectForAModel) {
  EXPECT_EQ(
      outcome("POST", "/flows/", R"(["name"])"),
      R"([{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":["name"]}])");
}

TEST(RequestValidation, MalformedJsonIsJsonInvalidWithPythonsMessageAndTheRawTextEchoed) {
  EXPECT_EQ(
      outcome("POST", "/flows/", R"({"name": )"),
      R"([{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting value"}}])");
  EXPECT_EQ(
      outcome("POST", "/flows/", R"({"name" "x"})"),
      R"([{"type":"json_invalid","loc":["body",8],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting ':' delimiter"}}])");
  EXPECT_EQ(
      outcome("POST", "/flows/", R"({"name": "x"} [])"),
      R"([{"type":"json_invalid","loc":["body",14],"msg":"JSON decode error","input":{},"ctx":{"error":"Extra data"}}])");
  EXPECT_EQ(request_body_echo("POST", "/flows/", R"({"name": )"), R"("{\"name\": ")");
}

TEST(RequestValidation, RequestBodyEchoIsTheParsedBody) {
  EXPECT_EQ(request_body_echo("POST", "/flows/", R"({"name": 7})"), R"({"name":7})");
  EXPECT_EQ(request_body_echo("POST", "/flows/", ""), "null");
}

TEST(RequestValidation, FlowRunCreate_UuidErrorsAsTheUuidCrateWordsThem) {
  auto issue = [](const char *value, const char *error) {
    return std::string(R"([{"type":"uuid_parsing","loc":["body","flow_id"],"msg":"Input should be a valid UUID, )") +
           error + R"(","input":")" + value + R"(","ctx":{"error":")" + error + R"("}}])";
  };
  auto body = [](const char *value) { return std::string(R"({"flow_id":")") + value + "\"}"; };
  EXPECT_EQ(outcome("POST", "/flow_runs/", body("x")),
            issue("x",
                  "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found "
                  "`x` at 1"));
  EXPECT_EQ(outcome("POST", "/flow_runs/", body("abc")),
            issue("abc", "invalid length: expected length 32 for simple format, found 3"));
  EXPECT_EQ(outcome("POST", "/flow_runs/", body("7b1f3c0e-0000")),
            issue("7b1f3c0e-0000", "invalid group count: expected 5, found 2"));
  EXPECT_EQ(outcome("POST", "/flow_runs/", body("7b1f3c0e-0000-4000-8000-00000000000")),
            issue("7b1f3c0e-0000-4000-8000-00000000000", "invalid group length in group 4: expected 12, found 11"));
  EXPECT_EQ(
      outcome("POST", "/flow_runs/", R"({"flow_id":5})"),
      R"([{"type":"uuid_type","loc":["body","flow_id"],"msg":"UUID input should be a string, bytes or UUID object","input":5}])");
}

TEST(RequestValidation, FlowRunCreate_UuidIsNormalised) {
  std::string result = outcome("POST", "/flow_runs/", R"({"flow_id":"7B1F3C0E000040008000000000000000"})");
  EXPECT_NE(result.find(R"("flow_id":"7b1f3c0e-0000-4000-8000-000000000000")"), std::string::npos) << result;
}

TEST(RequestValidation, FlowRunCreate_NestedStateCreateErrors) {
  std::string body = std::string(R"({"flow_id":")") + kFlowId + R"(","state":{"type":"RUNING","name":5,"bogus":1}})";
  EXPECT_EQ(
      outcome("POST", "/flow_runs/", body),
      R"([{"type":"enum","loc":["body","state","type"],"msg":"Input should be 'SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED', 'PAUSED' or 'CANCELLING'","input":"RUNING","ctx":{"expected":"'SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED', 'PAUSED' or 'CANCELLING'"}},)"
      R"({"type":"string_type","loc":["body","state","name"],"msg":"Input should be a valid string","input":5},)"
      R"({"type":"extra_forbidden","loc":["body","state","bogus"],"msg":"Extra inputs are not permitted","input":1}])");
}

TEST(RequestValidation, SetState_EmbeddedBodyFillsForceAndNestedDefaults) {
  std::string result = outcome("POST", "/flow_runs/{id:uuid}/set_state", R"({"state":{"type":"RUNNING"}})");
  ASSERT_TRUE(result.starts_with("valid ")) << result;
  rapidjson::Document body;
  body.Parse(result.c_str() + 6);
  EXPECT_FALSE(body["force"].GetBool());
  EXPECT_STREQ(body["state"]["type"].GetString(), "RUNNING");
}

TEST(RequestValidation, SetState_EmbeddedBodyMissingAndNonObjectBodies) {
  EXPECT_EQ(outcome("POST", "/flow_runs/{id:uuid}/set_state", "{}"),
            R"([{"type":"missing","loc":["body","state"],"msg":"Field required","input":null}])");
  // FastAPI looks each parameter up in the body: a list has none of them.
  EXPECT_EQ(outcome("POST", "/flow_runs/{id:uuid}/set_state", "[]"),
            R"([{"type":"missing","loc":["body","state"],"msg":"Field required","input":null},)"
            R"({"type":"missing","loc":["body","force"],"msg":"Field required","input":null}])");
}

TEST(RequestValidation, FlowsFilter_NoBodyMeansAllDefaults) {
  EXPECT_EQ(outcome("POST", "/flows/filter", ""), R"(valid {"offset":0,"sort":"NAME_ASC"})");
  EXPECT_EQ(outcome("POST", "/flows/filter", R"({"limit":null,"unknown":1})"),
            R"(valid {"offset":0,"sort":"NAME_ASC"})");
}

TEST(RequestValidation, FlowsFilter_LaxIntegersAreNormalised) {
  EXPECT_EQ(outcome("POST", "/flows/filter", R"({"limit":"5","offset":2.0})"),
            R"(valid {"offset":2,"sort":"NAME_ASC","limit":5})");
}

TEST(RequestValidation, FlowsFilter_IntegerAndEnumErrors) {
  EXPECT_EQ(
      outcome("POST", "/flows/filter", R"({"limit":"ten","offset":-1,"sort":"NAME"})"),
      R"([{"type":"greater_than_equal","loc":["body","offset"],"msg":"Input should be greater than or equal to 0","input":-1,"ctx":{"ge":0}},)"
      R"({"type":"enum","loc":["body","sort"],"msg":"Input should be 'CREATED_DESC', 'UPDATED_DESC', 'NAME_ASC' or 'NAME_DESC'","input":"NAME","ctx":{"expected":"'CREATED_DESC', 'UPDATED_DESC', 'NAME_ASC' or 'NAME_DESC'"}},)"
      R"({"type":"int_parsing","loc":["body","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"ten"}])");
  EXPECT_EQ(
      outcome("POST", "/flows/filter", R"({"limit":1.5})"),
      R"([{"type":"int_from_float","loc":["body","limit"],"msg":"Input should be a valid integer, got a number with a fractional part","input":1.5}])");
}

TEST(RequestValidation, FlowsFilter_NestedFiltersForbidExtrasAndFillOperator) {
  EXPECT_EQ(
      outcome("POST", "/flows/filter", R"({"flows":{"name":{"any_":["a"],"nope":true}}})"),
      R"([{"type":"extra_forbidden","loc":["body","flows","name","nope"],"msg":"Extra inputs are not permitted","input":true}])");
  EXPECT_EQ(
      outcome("POST", "/flows/filter", R"({"flows":{"name":{"any_":"a"}}})"),
      R"([{"type":"list_type","loc":["body","flows","name","any_"],"msg":"Input should be a valid list","input":"a"}])");
  EXPECT_EQ(outcome("POST", "/flows/filter", R"({"flows":{"name":{"like_":"etl"}}})"),
            R"(valid {"offset":0,"flows":{"operator":"and_","name":{"like_":"etl"}},"sort":"NAME_ASC"})");
}

TEST(RequestValidation, Logs_ListOfLogCreate) {
  EXPECT_EQ(outcome("POST", "/logs/", R"({"name":"x"})"),
            R"([{"type":"list_type","loc":["body"],"msg":"Input should be a valid list","input":{"name":"x"}}])");
  EXPECT_EQ(
      outcome("POST", "/logs/", R"([{"name":"l","level":"20","message":"m","timestamp":"2026-08-21T10:00:00+02:00"}])"),
      R"(valid [{"name":"l","level":20,"message":"m","timestamp":"2026-08-21T08:00:00Z"}])");
  EXPECT_EQ(outcome("POST", "/logs/", R"([{"name":"l","level":true,"message":"m","timestamp":"2026-08-21"}])"),
            R"(valid [{"name":"l","level":1,"message":"m","timestamp":"2026-08-21T00:00:00Z"}])");
}

TEST(RequestValidation, Logs_DatetimeErrorsAsPydanticWordsThem) {
  auto issue = [](const char *value, const char *error) {
    return std::string(
               R"([{"type":"datetime_from_date_parsing","loc":["body",0,"timestamp"],"msg":"Input should be a valid datetime or date, )") +
           error + R"(","input":")" + value + R"(","ctx":{"error":")" + error + R"("}}])";
  };
  auto body = [](const char *value) {
    return std::string(R"([{"name":"l","level":20,"message":"m","timestamp":")") + value + "\"}]";
  };
  EXPECT_EQ(outcome("POST", "/logs/", body("yesterday")), issue("yesterday", "input is too short"));
  EXPECT_EQ(outcome("POST", "/logs/", body("2026/08/21 10:00")),
            issue("2026/08/21 10:00", "invalid date separator, expected `-`"));
  EXPECT_EQ(outcome("POST", "/logs/", body("2026-13-01")),
            issue("2026-13-01", "month value is outside expected range of 1-12"));
  EXPECT_EQ(outcome("POST", "/logs/", body("2026-02-30")), issue("2026-02-30", "day value is outside expected range"));
  EXPECT_EQ(outcome("POST", "/logs/", body("2026-08-21T25:00")),
            issue("2026-08-21T25:00", "unexpected extra characters at the end of the input"));
  EXPECT_EQ(
      outcome("POST", "/logs/", R"([{"name":"l","level":20,"message":"m","timestamp":true}])"),
      R"([{"type":"datetime_type","loc":["body",0,"timestamp"],"msg":"Input should be a valid datetime","input":true}])");
}

TEST(RequestValidation, Logs_MissingFieldsOfAnItem) {
  EXPECT_EQ(
      outcome("POST", "/logs/", R"([{"name":"l","level":"x"}])"),
      R"([{"type":"int_parsing","loc":["body",0,"level"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"},)"
      R"({"type":"missing","loc":["body",0,"message"],"msg":"Field required","input":{"name":"l","level":"x"}},)"
      R"({"type":"missing","loc":["body",0,"timestamp"],"msg":"Field required","input":{"name":"l","level":"x"}}])");
}

TEST(RequestValidation, BooleansInLaxMode) {
  std::string prefix = R"({"state":{"type":"RUNNING"},"force":)";
  EXPECT_NE(outcome("POST", "/flow_runs/{id:uuid}/set_state", prefix + R"("yes"})").find(R"("force":true)"),
            std::string::npos);
  EXPECT_EQ(
      outcome("POST", "/flow_runs/{id:uuid}/set_state", prefix + R"("maybe"})"),
      R"([{"type":"bool_parsing","loc":["body","force"],"msg":"Input should be a valid boolean, unable to interpret input","input":"maybe"}])");
  EXPECT_EQ(
      outcome("POST", "/flow_runs/{id:uuid}/set_state", prefix + R"(2})"),
      R"([{"type":"bool_parsing","loc":["body","force"],"msg":"Input should be a valid boolean, unable to interpret input","input":2}])");
  EXPECT_EQ(outcome("POST", "/flow_runs/{id:uuid}/set_state", prefix + R"([]})"),
            R"([{"type":"bool_type","loc":["body","force"],"msg":"Input should be a valid boolean","input":[]}])");
}

TEST(RequestValidation, Query_RequiredParameterMissingAndPresent) {
  EXPECT_EQ(outcome("GET", "/csrf-token", ""),
            R"([{"type":"missing","loc":["query","client"],"msg":"Field required","input":null}])");
  EXPECT_EQ(outcome("GET", "/csrf-token", "", {{"client", "a"}, {"client", "b"}}, true), R"(valid {"client":"b"})");
}

TEST(RequestValidation, OperationWithoutBodyIgnoresOne) {
  EXPECT_EQ(outcome("GET", "/flows/{id:uuid}", "not json"), "valid null");
}

}  // namespace
}  // namespace prefectd
