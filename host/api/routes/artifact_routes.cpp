// /artifacts: create, read, latest by key, update, delete; filter and count
// over artifacts and over their collections (/artifacts/latest/*).
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "core/python_json.h"
#include "database/database_interface.h"
#include "filters/filter_json.h"
#include "models/artifacts.h"
#include "routes.h"
#include "validation/field_validators.h"

namespace prefectd {
namespace {

constexpr const char *kArtifactNotFound = "Artifact not found.";

std::string artifact_response(const Artifact &artifact) {
  rapidjson::Document document;
  write_artifact(artifact, document, document.GetAllocator());
  return to_json(document);
}

// metadata_ as stored: Python-json text with long values cut, or nullopt for absent or null.
std::optional<std::string> stored_metadata(const rapidjson::Value &body) {
  const rapidjson::Value *metadata = non_null_member(body, "metadata_");
  if (metadata == nullptr) return std::nullopt;
  rapidjson::Document copy;
  copy.CopyFrom(*metadata, copy.GetAllocator());
  truncate_artifact_metadata(copy, copy.GetAllocator());
  return to_python_json(copy);
}

HttpResponse create(const RouteCall &call) {
  std::vector<ValidationIssue> issues;
  check_artifact_key(call.body, issues);
  throw_if_invalid(issues, call.request);
  ArtifactCreate create;
  create.key = optional_string(call.body, "key");
  create.type = optional_string(call.body, "type");
  create.description = optional_string(call.body, "description");
  create.data_json = optional_json(call.body, "data");
  create.metadata_json = stored_metadata(call.body);
  create.flow_run_id = optional_uuid(call.body, "flow_run_id");
  create.task_run_id = optional_uuid(call.body, "task_run_id");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Artifact artifact = create_artifact(database, session, create);
  transaction.commit();
  // Every artifact is a new row, so always 201 (Prefect's created >= request start).
  return {201, artifact_response(artifact)};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto artifact = read_artifact(database, session, path_id(call));
  if (!artifact) throw_detail(404, kArtifactNotFound);
  return {200, artifact_response(*artifact)};
}

// Prefect answers with the collection row in the Artifact shape: the id is
// the collection's, the other fields are the latest artifact's.
HttpResponse read_latest(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto collection = read_artifact_collection(database, session, call.path.at("key"));
  if (!collection) throw_detail(404, kArtifactNotFound);
  return {200, artifact_response(collection->latest)};
}

HttpResponse update(const RouteCall &call) {
  ArtifactUpdate update;
  if (member(call.body, "data") != nullptr) update.data_json = optional_json(call.body, "data");
  if (member(call.body, "description") != nullptr) update.description = optional_string(call.body, "description");
  if (member(call.body, "metadata_") != nullptr) update.metadata_json = stored_metadata(call.body);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!update_artifact(database, session, path_id(call), update)) throw_detail(404, kArtifactNotFound);
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_artifact(database, session, path_id(call))) throw_detail(404, kArtifactNotFound);
  transaction.commit();
  return {204, ""};
}

// artifacts, flow_runs, task_runs, flows and deployments of the body.
FilterSet artifact_filters(const rapidjson::Value &body) {
  const FilterSet all = FilterSet::from_body(body);
  FilterSet filters;
  filters.artifacts = all.artifacts;
  filters.flow_runs = all.flow_runs;
  filters.task_runs = all.task_runs;
  filters.flows = all.flows;
  filters.deployments = all.deployments;
  return filters;
}

HttpResponse filter(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto artifacts = read_artifacts(database, session, artifact_filters(call.body),
                                  filter_json::string(&call.body, "sort").value_or(""), page);
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  for (const Artifact &artifact : artifacts) {
    rapidjson::Value json;
    write_artifact(artifact, json, allocator);
    response.PushBack(json, allocator);
  }
  return {200, to_json(response)};
}

HttpResponse count(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, std::to_string(count_artifacts(database, session, artifact_filters(call.body)))};
}

HttpResponse filter_latest(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto collections = read_artifact_collections(database, session, artifact_filters(call.body),
                                               filter_json::string(&call.body, "sort").value_or(""), page);
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  for (const ArtifactCollection &collection : collections) {
    rapidjson::Value json;
    write_artifact_collection(collection, json, allocator);
    response.PushBack(json, allocator);
  }
  return {200, to_json(response)};
}

HttpResponse count_latest(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, std::to_string(count_artifact_collections(database, session, artifact_filters(call.body)))};
}

}  // namespace

void register_artifact_routes(Router &router) {
  router.add({"POST", "/artifacts/", create});
  router.add({"GET", "/artifacts/{id:uuid}", read});
  router.add({"GET", "/artifacts/{key}/latest", read_latest});
  // Only the fields sent are written.
  router.add({"PATCH", "/artifacts/{id:uuid}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"DELETE", "/artifacts/{id:uuid}", remove});
  router.add({"POST", "/artifacts/filter", filter});
  router.add({"POST", "/artifacts/count", count});
  router.add({"POST", "/artifacts/latest/filter", filter_latest});
  router.add({"POST", "/artifacts/latest/count", count_latest});
}

}  // namespace prefectd
