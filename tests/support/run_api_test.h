// ApiTest plus the calls a Prefect client makes to run flows and tasks,
// each answer checked against the OpenAPI contract.
#pragma once

#include "api_test.h"

#include <rapidjson/document.h>

#include <string>

namespace prefectd::testing_support {

rapidjson::Document parse_json(const std::string &text);

// Fails unless two answers about one run agree on every member but those
// computed from the moment of answering (estimated_run_time,
// estimated_start_time_delta).
void expect_same_run(const rapidjson::Value &expected, const rapidjson::Value &actual);

// A wrong answer must fail its test, not crash the suite: these read a
// member that may be missing, or not of the expected type, safely.
const rapidjson::Value &json_at(const rapidjson::Value &value, const char *key);
std::string json_text(const rapidjson::Value &value);
// Prefect writes every field, null ones included.
bool has_null_member(const rapidjson::Value &object, const char *key);
// "type@loc" of the first issue of a 422 in Prefect's shape, e.g.
// "missing@body.name"; a description of the body otherwise.
std::string first_issue(const std::string &body);

struct JsonAnswer {
  long status = 0;
  rapidjson::Document json;
  std::string body;
};

class RunApiTest : public ApiTest {
 protected:
  void SetUp() override;

  // POST /flows/ → the flow id.
  std::string create_flow(const std::string &name = "etl");
  // POST /flow_runs/ with `extra` members merged in ("" for none).
  JsonAnswer create_flow_run(const std::string &flow_id, const std::string &extra = "");
  JsonAnswer read_flow_run(const std::string &id);
  // POST /flow_runs/{id}/set_state with {"state": <state>, "force": <force>}.
  JsonAnswer set_flow_run_state(const std::string &id, const std::string &state, bool force = false);
  JsonAnswer create_task_run(const std::string &flow_run_id, const std::string &task_key,
                             const std::string &extra = "");
  JsonAnswer read_task_run(const std::string &id);
  JsonAnswer set_task_run_state(const std::string &id, const std::string &state, bool force = false);

  // Any call, with the answer's contract checked for `path_template`.
  JsonAnswer call(const std::string &method, const std::string &path, const std::string &path_template,
                  const std::string &body = "");
};

}  // namespace prefectd::testing_support
