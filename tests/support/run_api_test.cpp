#include "run_api_test.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace prefectd::testing_support {
namespace {

std::string to_text(const rapidjson::Value &value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

}  // namespace

rapidjson::Document parse_json(const std::string &text) {
  rapidjson::Document document;
  document.Parse(text.c_str(), text.size());
  return document;
}

const rapidjson::Value &json_at(const rapidjson::Value &value, const char *key) {
  static const rapidjson::Value null;
  if (!value.IsObject()) return null;
  auto found = value.FindMember(key);
  return found == value.MemberEnd() ? null : found->value;
}

std::string json_text(const rapidjson::Value &value) {
  return value.IsString() ? value.GetString() : "";
}

bool has_null_member(const rapidjson::Value &object, const char *key) {
  return object.IsObject() && object.HasMember(key) && object[key].IsNull();
}

std::string first_issue(const std::string &body) {
  const rapidjson::Document error = parse_json(body);
  if (json_text(json_at(error, "exception_message")) != "Invalid request received.") {
    return "not Prefect's shape: " + body;
  }
  const rapidjson::Value &detail = json_at(error, "exception_detail");
  if (!detail.IsArray() || detail.Empty()) return "no exception_detail in " + body;
  std::string issue = json_text(json_at(detail[0], "type")) + "@";
  const rapidjson::Value &loc = json_at(detail[0], "loc");
  if (loc.IsArray()) {
    for (rapidjson::SizeType i = 0; i < loc.Size(); ++i) {
      if (i > 0) issue += ".";
      issue += loc[i].IsString() ? loc[i].GetString() : std::to_string(loc[i].GetInt());
    }
  }
  return issue;
}

void expect_same_run(const rapidjson::Value &expected, const rapidjson::Value &actual) {
  auto without_clock = [](const rapidjson::Value &run) {
    rapidjson::Document copy;
    copy.CopyFrom(run, copy.GetAllocator());
    if (copy.IsObject()) {
      copy.RemoveMember("estimated_run_time");
      copy.RemoveMember("estimated_start_time_delta");
    }
    return copy;
  };
  const rapidjson::Document left = without_clock(expected);
  const rapidjson::Document right = without_clock(actual);
  EXPECT_TRUE(left == right) << "expected " << to_text(left) << "\n  actual " << to_text(right);
}

void RunApiTest::SetUp() {
  ApiTest::SetUp();
  if (!IsSkipped()) start();
}

JsonAnswer RunApiTest::call(const std::string &method, const std::string &path, const std::string &path_template,
                            const std::string &body) {
  HttpResult result = method == "GET" ? get(path) : send(method, path, body);
  expect_contract(method, path_template, result);
  JsonAnswer answer;
  answer.status = result.status;
  answer.body = result.body;
  if (!result.body.empty()) answer.json = parse_json(result.body);
  return answer;
}

std::string RunApiTest::create_flow(const std::string &name) {
  JsonAnswer flow = call("POST", "/flows/", "/flows/", R"({"name": ")" + name + R"("})");
  EXPECT_TRUE(flow.status == 201 || flow.status == 200) << flow.body;
  return flow.json["id"].GetString();
}

JsonAnswer RunApiTest::create_flow_run(const std::string &flow_id, const std::string &extra) {
  std::string body = R"({"flow_id": ")" + flow_id + "\"";
  if (!extra.empty()) body += ", " + extra;
  return call("POST", "/flow_runs/", "/flow_runs/", body + "}");
}

JsonAnswer RunApiTest::read_flow_run(const std::string &id) {
  return call("GET", "/flow_runs/" + id, "/flow_runs/{id}");
}

JsonAnswer RunApiTest::set_flow_run_state(const std::string &id, const std::string &state, bool force) {
  return call("POST", "/flow_runs/" + id + "/set_state", "/flow_runs/{id}/set_state",
              R"({"state": )" + state + R"(, "force": )" + (force ? "true" : "false") + "}");
}

JsonAnswer RunApiTest::create_task_run(const std::string &flow_run_id, const std::string &task_key,
                                       const std::string &extra) {
  std::string body =
      R"({"flow_run_id": ")" + flow_run_id + R"(", "task_key": ")" + task_key + R"(", "dynamic_key": "0")";
  if (!extra.empty()) body += ", " + extra;
  return call("POST", "/task_runs/", "/task_runs/", body + "}");
}

JsonAnswer RunApiTest::read_task_run(const std::string &id) {
  return call("GET", "/task_runs/" + id, "/task_runs/{id}");
}

JsonAnswer RunApiTest::set_task_run_state(const std::string &id, const std::string &state, bool force) {
  return call("POST", "/task_runs/" + id + "/set_state", "/task_runs/{id}/set_state",
              R"({"state": )" + state + R"(, "force": )" + (force ? "true" : "false") + "}");
}

}  // namespace prefectd::testing_support
