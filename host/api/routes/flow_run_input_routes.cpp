// /flow_runs/{id}/input: create, filter, read (as plain text) and delete a
// run's key/value inputs.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/flow_run_inputs.h"
#include "routes.h"

#include <regex>

namespace prefectd {
namespace {

constexpr const char *kInputNotFound = "Flow run input not found";

// Prefect's FlowRunInput.key validator (lowercase letters, digits, dashes).
// Prefect runs it inside the handler, where its ValueError becomes a 500;
// prefectd answers the 422 the client's mistake deserves, shaped as
// pydantic would report the field.
void require_valid_key(const RouteCall &call, const std::string &key) {
  static const std::regex kKeyPattern("^[a-z0-9-]*$");
  if (std::regex_match(key, kKeyPattern)) return;
  const std::string reason = "value must only contain lowercase letters, numbers, and dashes.";
  rapidjson::Document sent;
  sent.Parse(call.request.body.c_str(), call.request.body.size());
  throw_validation_error({ValidationIssue{"value_error",
                                          {std::string("body"), std::string("key")},
                                          "Value error, " + reason,
                                          json_string(key),
                                          R"({"error":{}})"}},
                         sent.HasParseError() ? "null" : to_json(sent));
}

HttpResponse create(const RouteCall &call) {
  const Timestamp now = Timestamp::now();
  FlowRunInput input{Uuid::v4(),
                     now,
                     now,
                     path_id(call),
                     call.body["key"].GetString(),
                     call.body["value"].GetString(),
                     optional_string(call.body, "sender")};
  require_valid_key(call, input.key);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  switch (create_flow_run_input(database, session, input)) {
    case InputCreation::RunMissing:
      throw_detail(404, "Flow run not found");
    case InputCreation::KeyTaken:
      throw_detail(409, "A flow run input with this key already exists.");
    case InputCreation::Created:
      break;
  }
  transaction.commit();
  return {201, "null"};
}

HttpResponse filter(const RouteCall &call) {
  std::vector<std::string> exclude_keys;
  for (const auto &key : call.body["exclude_keys"].GetArray()) exclude_keys.emplace_back(key.GetString());
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  const auto inputs = filter_flow_run_inputs(database, session, path_id(call), call.body["prefix"].GetString(),
                                             call.body["limit"].GetInt64(), exclude_keys);
  rapidjson::Document response(rapidjson::kArrayType);
  for (const FlowRunInput &input : inputs) {
    rapidjson::Value item;
    write_flow_run_input(input, item, response.GetAllocator());
    response.PushBack(item, response.GetAllocator());
  }
  return {200, to_json(response)};
}

// The stored value as it was sent, as Starlette's PlainTextResponse.
HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto input = read_flow_run_input(database, session, path_id(call), call.path.at("key"));
  if (!input) throw_detail(404, kInputNotFound);
  HttpResponse response{200, std::move(input->value)};
  response.content_type = "text/plain; charset=utf-8";
  return response;
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_flow_run_input(database, session, path_id(call), call.path.at("key"))) throw_detail(404, kInputNotFound);
  transaction.commit();
  return {204, ""};
}

}  // namespace

void register_flow_run_input_routes(Router &router) {
  router.add({"POST", "/flow_runs/{id:uuid}/input", create});
  router.add({"POST", "/flow_runs/{id:uuid}/input/filter", filter});
  router.add({"GET", "/flow_runs/{id:uuid}/input/{key}", read});
  router.add({"DELETE", "/flow_runs/{id:uuid}/input/{key}", remove});
}

}  // namespace prefectd
