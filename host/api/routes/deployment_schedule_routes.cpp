// /deployments/{id}/schedules: a deployment's schedules one by one
// (api-surface.md §2.5).
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/deployments.h"
#include "routes.h"

#include <set>

namespace prefectd {
namespace {

constexpr const char *kDeploymentNotFound = "Deployment not found.";
constexpr const char *kScheduleNotFound = "Schedule not found.";

void require_deployment(DatabaseInterface &database, Session &session, const Uuid &id) {
  if (!deployment_exists(database, session, id)) throw_detail(404, kDeploymentNotFound);
}

Uuid schedule_id(const RouteCall &call) {
  return *Uuid::parse(call.path.at("schedule_id"));
}

std::string schedules_response(const std::vector<DeploymentSchedule> &schedules) {
  rapidjson::Document response(rapidjson::kArrayType);
  for (const DeploymentSchedule &schedule : schedules) {
    rapidjson::Value json;
    write_deployment_schedule(schedule, json, response.GetAllocator());
    response.PushBack(json, response.GetAllocator());
  }
  return to_json(response);
}

HttpResponse read_all(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  require_deployment(database, session, path_id(call));
  return {200, schedules_response(read_deployment_schedules(database, session, path_id(call)))};
}

HttpResponse create(const RouteCall &call) {
  std::vector<DeploymentScheduleCreate> creates;
  std::set<std::string> slugs;
  for (const auto &entry : call.body.GetArray()) {
    DeploymentScheduleCreate create = schedule_create_from_json(entry);
    if (create.slug && !slugs.insert(*create.slug).second) {
      throw_detail(409, "Schedule slugs must be unique within a deployment.");
    }
    creates.push_back(std::move(create));
  }
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid deployment_id = path_id(call);
  require_deployment(database, session, deployment_id);
  for (const DeploymentSchedule &existing : read_deployment_schedules(database, session, deployment_id)) {
    if (existing.slug && slugs.count(*existing.slug) > 0) {
      throw_detail(409, "Schedule slugs must be unique within a deployment.");
    }
  }
  std::string response = schedules_response(create_deployment_schedules(database, session, deployment_id, creates));
  transaction.commit();
  return {201, std::move(response)};
}

HttpResponse update(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid deployment_id = path_id(call);
  require_deployment(database, session, deployment_id);
  ColumnValues values(database.queries());
  if (const rapidjson::Value *schedule = non_null_member(body, "schedule")) {
    values.set_json("schedule", normalized_schedule_json(*schedule));
  }
  if (auto active = optional_bool(body, "active")) values.set("active", *active);
  if (member(body, "max_scheduled_runs") != nullptr) {
    values.set("max_scheduled_runs", optional_int(body, "max_scheduled_runs"));
  }
  if (auto parameters = optional_json(body, "parameters")) values.set_json("parameters", parameters);
  if (member(body, "slug") != nullptr) values.set("slug", optional_string(body, "slug"));
  if (!update_deployment_schedule(session, deployment_id, schedule_id(call), values)) {
    throw_detail(404, kScheduleNotFound);
  }
  // The runs made for the old schedule are not for the new one.
  delete_scheduled_runs(database, session, deployment_id, true, true);
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid deployment_id = path_id(call);
  require_deployment(database, session, deployment_id);
  if (!delete_deployment_schedule(database, session, deployment_id, schedule_id(call))) {
    throw_detail(404, kScheduleNotFound);
  }
  delete_scheduled_runs(database, session, deployment_id, true, false);
  transaction.commit();
  return {204, ""};
}

}  // namespace

void register_deployment_schedule_routes(Router &router) {
  router.add({"GET", "/deployments/{id:uuid}/schedules", read_all});
  router.add({"POST", "/deployments/{id:uuid}/schedules", create});
  router.add({"PATCH", "/deployments/{id:uuid}/schedules/{schedule_id:uuid}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"DELETE", "/deployments/{id:uuid}/schedules/{schedule_id:uuid}", remove});
}

}  // namespace prefectd
