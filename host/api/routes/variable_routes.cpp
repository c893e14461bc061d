// /variables: create, read, update and delete by id or by name; filter and count.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "filters/filter_json.h"
#include "models/variables.h"
#include "routes.h"
#include "validation/field_validators.h"

namespace prefectd {
namespace {

constexpr const char *kVariableNotFound = "Variable not found.";

const std::string &path_name(const RouteCall &call) {
  return call.path.at("name");
}

std::string variable_response(const Variable &variable) {
  rapidjson::Document document;
  write_variable(variable, document, document.GetAllocator());
  return to_json(document);
}

// VariableCreate and VariableUpdate run the same validators on name and value.
void check_variable_body(const RouteCall &call) {
  std::vector<ValidationIssue> issues;
  check_variable_name(call.body, issues);
  check_variable_value(call.body, issues);
  throw_if_invalid(issues, call.request);
}

VariableUpdate update_from_body(const rapidjson::Value &body) {
  VariableUpdate update;
  // A null name or tags would violate NOT NULL; they are taken as not sent.
  update.name = optional_string(body, "name");
  if (member(body, "value") != nullptr) {
    update.value_sent = true;
    update.value_json = optional_json(body, "value");
  }
  update.tags_json = optional_json(body, "tags");
  return update;
}

HttpResponse create(const RouteCall &call) {
  check_variable_body(call);
  VariableCreate variable;
  variable.name = call.body["name"].GetString();
  variable.value_json = optional_json(call.body, "value");
  variable.tags_json = optional_json(call.body, "tags").value_or("[]");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  auto created = create_variable(database, session, variable);
  // The name is VariableName-checked, so Python's repr of it is always '<name>'.
  if (!created) throw_detail(409, "A variable with the name '" + variable.name + "' already exists.");
  transaction.commit();
  return {201, variable_response(*created)};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto variable = read_variable(database, session, path_id(call));
  if (!variable) throw_detail(404, kVariableNotFound);
  return {200, variable_response(*variable)};
}

HttpResponse read_by_name(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto variable = read_variable_by_name(database, session, path_name(call));
  if (!variable) throw_detail(404, kVariableNotFound);
  return {200, variable_response(*variable)};
}

HttpResponse update(const RouteCall &call) {
  check_variable_body(call);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!update_variable(database, session, path_id(call), update_from_body(call.body))) {
    throw_detail(404, kVariableNotFound);
  }
  transaction.commit();
  return {204, ""};
}

HttpResponse update_by_name(const RouteCall &call) {
  check_variable_body(call);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!update_variable_by_name(database, session, path_name(call), update_from_body(call.body))) {
    throw_detail(404, kVariableNotFound);
  }
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_variable(database, session, path_id(call))) throw_detail(404, kVariableNotFound);
  transaction.commit();
  return {204, ""};
}

HttpResponse remove_by_name(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_variable_by_name(database, session, path_name(call))) throw_detail(404, kVariableNotFound);
  transaction.commit();
  return {204, ""};
}

HttpResponse filter(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  FilterSet filters;
  filters.variables = FilterSet::from_body(call.body).variables;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto variables =
      read_variables(database, session, filters, filter_json::string(&call.body, "sort").value_or(""), page);
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  for (const Variable &variable : variables) {
    rapidjson::Value json;
    write_variable(variable, json, allocator);
    response.PushBack(json, allocator);
  }
  return {200, to_json(response)};
}

HttpResponse count(const RouteCall &call) {
  FilterSet filters;
  filters.variables = FilterSet::from_body(call.body).variables;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, std::to_string(count_variables(database, session, filters))};
}

}  // namespace

void register_variable_routes(Router &router) {
  router.add({"POST", "/variables/", create});
  router.add({"GET", "/variables/{id:uuid}", read});
  router.add({"GET", "/variables/name/{name}", read_by_name});
  router.add({"PATCH", "/variables/{id:uuid}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"PATCH", "/variables/name/{name}", update_by_name, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"DELETE", "/variables/{id:uuid}", remove});
  router.add({"DELETE", "/variables/name/{name}", remove_by_name});
  router.add({"POST", "/variables/filter", filter});
  router.add({"POST", "/variables/count", count});
}

}  // namespace prefectd
