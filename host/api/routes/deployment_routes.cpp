// /deployments: create (an upsert on flow and name), read by id and by
// names, update, delete, filter, count, paginate, the runner's poll, pause
// and resume, and runs created from a deployment (api-surface.md §2.5).
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "core/run_names.h"
#include "database/database_interface.h"
#include "deployment_body_upgrade.h"
#include "filters/filter_json.h"
#include "models/block_documents.h"
#include "models/deployments.h"
#include "models/flows.h"
#include "models/work_pools.h"
#include "models/work_queues.h"
#include "orchestration/run_policy.h"
#include "routes.h"
#include "run_route_support.h"
#include "schemas/labels.h"

#include <set>

namespace prefectd {
namespace {

constexpr const char *kDeploymentNotFound = "Deployment not found";

std::string deployment_response(const Deployment &deployment) {
  rapidjson::Document document;
  write_deployment(deployment, document, document.GetAllocator());
  return to_json(document);
}

Deployment existing_deployment(DatabaseInterface &database, Session &session, const Uuid &id,
                               const char *not_found = kDeploymentNotFound) {
  std::optional<Deployment> deployment = read_deployment(database, session, id);
  if (!deployment) throw_detail(404, not_found);
  return std::move(*deployment);
}

std::vector<DeploymentScheduleCreate> schedules_from(const rapidjson::Value *schedules) {
  std::vector<DeploymentScheduleCreate> creates;
  if (schedules == nullptr || !schedules->IsArray()) return creates;
  for (const auto &entry : schedules->GetArray()) {
    if (non_null_member(entry, "schedule") == nullptr) continue;  // nothing to schedule, as Prefect drops it
    DeploymentScheduleCreate create = schedule_create_from_json(entry);
    create.max_scheduled_runs.reset();  // Prefect drops it here; only /schedules keeps it
    creates.push_back(std::move(create));
  }
  return creates;
}

void require_block_document(DatabaseInterface &database, Session &session, const Uuid &id, const char *kind) {
  if (block_document_exists(database, session, id)) return;
  throw_detail(409, std::string("Error creating deployment. Could not find ") + kind +
                        " block with id: " + id.to_string() +
                        ". This usually occurs when applying a deployment specification that was built against a "
                        "different Prefect database / workspace.");
}

// The columns a DeploymentCreate or DeploymentUpdate body sets, as sent.
// A null sent for a column that may not be null is taken as not sent.
void set_sent_columns(const RouteCall &call, Session &session, ColumnValues &values) {
  const rapidjson::Value &body = call.body;
  DatabaseInterface &database = call.server.database;
  for (const char *column : {"version", "description", "path", "entrypoint", "work_queue_name"}) {
    if (member(body, column) != nullptr) values.set(column, optional_string(body, column));
  }
  for (const char *column : {"paused", "enforce_parameter_schema"}) {
    if (auto flag = optional_bool(body, column)) values.set(column, *flag);
  }
  for (const char *column : {"concurrency_options", "parameter_openapi_schema", "pull_steps"}) {
    if (member(body, column) != nullptr) values.set_json(column, optional_json(body, column));
  }
  for (const char *column : {"parameters", "tags"}) {
    if (auto json = optional_json(body, column)) values.set_json(column, json);
  }
  if (auto job_variables = optional_json(body, "job_variables")) values.set_json("infra_overrides", job_variables);
  for (const auto &[column, kind] :
       {std::pair{"storage_document_id", "storage"}, std::pair{"infrastructure_document_id", "infrastructure"}}) {
    if (member(body, column) == nullptr) continue;
    const std::optional<Uuid> id = optional_uuid(body, column);
    if (id) require_block_document(database, session, *id, kind);
    values.set(column, id);
  }
  // The work queue: the pool's queue of that name (made when missing), the
  // pool's default queue, or a queue of the agent-era default pool.
  const std::optional<std::string> pool_name = optional_string(body, "work_pool_name");
  const std::optional<std::string> queue_name = optional_string(body, "work_queue_name");
  if (pool_name && queue_name) {
    values.set("work_queue_id", ensure_work_queue(database, session, *pool_name, *queue_name).id);
  } else if (pool_name) {
    const WorkPool pool = existing_work_pool(database, session, *pool_name);
    values.set("work_queue_id", pool.default_queue_id);
  } else if (queue_name) {
    values.set("work_queue_id", ensure_work_queue(database, session, kDefaultAgentPoolName, *queue_name).id);
  } else if (member(body, "work_pool_name") != nullptr) {
    values.set("work_queue_id", std::optional<Uuid>());  // a null pool clears the queue
  }
}

HttpResponse create(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Uuid flow_id = *optional_uuid(body, "flow_id");
  const std::string name = body["name"].GetString();
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  const std::optional<Flow> flow = read_flow(database, session, flow_id);
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  ColumnValues values(database.queries());
  set_sent_columns(call, session, values);
  values.set_json("labels", merge_labels({{flow ? flow->labels_json : std::nullopt},
                                          system_label("prefect.flow.id", flow_id.to_string()),
                                          {std::nullopt, non_null_member(body, "labels")}}));
  // The defaults of DeploymentCreate that the table's own do not give.
  std::vector<std::string> insert_only;
  if (!values.has("enforce_parameter_schema")) {
    values.set("enforce_parameter_schema", true);
    insert_only.push_back("enforce_parameter_schema");
  }
  if (!values.has("parameter_openapi_schema")) {
    values.set_json("parameter_openapi_schema", R"({"type":"object","properties":{}})");
    insert_only.push_back("parameter_openapi_schema");
  }
  const UpsertedDeployment upserted = upsert_deployment(database, session, flow_id, name, values, insert_only,
                                                        schedules_from(non_null_member(body, "schedules")));
  std::string response = deployment_response(existing_deployment(database, session, upserted.id));
  transaction.commit();
  return {upserted.created ? 201 : 200, std::move(response)};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, deployment_response(existing_deployment(database, session, path_id(call)))};
}

HttpResponse read_by_name(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto deployment =
      read_deployment_by_name(database, session, call.path.at("flow_name"), call.path.at("deployment_name"));
  if (!deployment) throw_detail(404, kDeploymentNotFound);
  return {200, deployment_response(*deployment)};
}

HttpResponse update(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  existing_deployment(database, session, id, "Deployment not found.");
  ColumnValues values(database.queries());
  set_sent_columns(call, session, values);
  update_deployment_columns(session, id, values);
  if (const rapidjson::Value *schedules = member(call.body, "schedules")) {
    replace_deployment_schedules(database, session, id, schedules_from(schedules));
  }
  delete_scheduled_runs(database, session, id, true, true);
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_deployment(database, session, path_id(call))) throw_detail(404, kDeploymentNotFound);
  transaction.commit();
  return {204, ""};
}

rapidjson::Value deployments_json(const std::vector<Deployment> &deployments,
                                  rapidjson::Document::AllocatorType &allocator) {
  rapidjson::Value list(rapidjson::kArrayType);
  for (const Deployment &deployment : deployments) {
    rapidjson::Value json;
    write_deployment(deployment, json, allocator);
    list.PushBack(json, allocator);
  }
  return list;
}

HttpResponse filter(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Page page{limit_from_body(body, call.server.settings), offset_from_body(body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto deployments = read_deployments(database, session, FilterSet::from_body(body),
                                      filter_json::string(&body, "sort").value_or(""), page);
  rapidjson::Document document;
  return {200, to_json(deployments_json(deployments, document.GetAllocator()))};
}

HttpResponse count(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, std::to_string(count_deployments(database, session, FilterSet::from_body(call.body)))};
}

HttpResponse paginate(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const int64_t limit = limit_from_body(body, call.server.settings);
  const int64_t page = page_from_body(body);
  const FilterSet filters = FilterSet::from_body(body);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto deployments = read_deployments(database, session, filters, filter_json::string(&body, "sort").value_or(""),
                                      Page{limit, (page - 1) * limit});
  const int64_t total = count_deployments(database, session, filters);
  rapidjson::Document response;
  rapidjson::Value results = deployments_json(deployments, response.GetAllocator());
  return {200, paginated_json(response, results, total, limit, page)};
}

HttpResponse get_scheduled_flow_runs(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  std::vector<Uuid> ids;
  for (const auto &id : body["deployment_ids"].GetArray()) ids.push_back(*Uuid::parse(id.GetString()));
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  std::vector<FlowRun> runs = poll_deployments(database, session, ids, optional_timestamp(body, "scheduled_before"),
                                               limit_from_body(body, call.server.settings));
  transaction.commit();
  const Timestamp now = Timestamp::now();
  rapidjson::Document response(rapidjson::kArrayType);
  for (const FlowRun &run : runs) {
    rapidjson::Value json;
    write_flow_run(run, now, json, response.GetAllocator());
    response.PushBack(json, response.GetAllocator());
  }
  return {200, to_json(response)};
}

HttpResponse set_paused(const RouteCall &call, bool paused) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  ColumnValues values(database.queries());
  values.set("paused", paused);
  if (!update_deployment_columns(session, id, values)) throw_detail(404, kDeploymentNotFound);
  // A paused deployment's runs the scheduler made are not to start.
  if (paused) delete_scheduled_runs(database, session, id, true, false);
  transaction.commit();
  return {200, "null"};
}

HttpResponse pause(const RouteCall &call) {
  return set_paused(call, true);
}

HttpResponse resume(const RouteCall &call) {
  return set_paused(call, false);
}

// The union of two JSON string arrays, the deployment's first.
std::string union_of_tags(const std::string &deployment_tags, const rapidjson::Value *run_tags) {
  rapidjson::Document tags;
  tags.Parse(deployment_tags.c_str());
  if (!tags.IsArray()) tags.SetArray();
  std::set<std::string> seen;
  for (const auto &tag : tags.GetArray()) {
    if (tag.IsString()) seen.insert(tag.GetString());
  }
  if (run_tags != nullptr && run_tags->IsArray()) {
    for (const auto &tag : run_tags->GetArray()) {
      if (!tag.IsString() || !seen.insert(tag.GetString()).second) continue;
      tags.PushBack(rapidjson::Value(tag, tags.GetAllocator()), tags.GetAllocator());
    }
  }
  return to_json(tags);
}

HttpResponse create_run(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  const Deployment deployment = existing_deployment(database, session, path_id(call));
  const Timestamp now = Timestamp::now();
  FlowRun run;
  run.id = Uuid::v7();
  run.created = now;
  run.updated = now;
  run.flow_id = deployment.flow_id;
  run.deployment_id = deployment.id;
  run.deployment_version = deployment.version;
  run.name = optional_string(body, "name").value_or("");
  if (run.name.empty()) run.name = random_run_name();
  run.parameters_json = overlaid_parameters(deployment.parameters_json, non_null_member(body, "parameters"));
  run.context_json = optional_json(body, "context").value_or("{}");
  run.parent_task_run_id = optional_uuid(body, "parent_task_run_id");
  run.infrastructure_document_id = optional_uuid(body, "infrastructure_document_id");
  if (!run.infrastructure_document_id) run.infrastructure_document_id = deployment.infrastructure_document_id;
  run.empirical_policy_json =
      flow_run_policy_to_json(flow_run_policy_from_json(optional_json(body, "empirical_policy").value_or("{}")));
  run.tags_json = union_of_tags(deployment.tags_json, non_null_member(body, "tags"));
  run.idempotency_key = optional_string(body, "idempotency_key");
  run.job_variables_json = optional_json(body, "job_variables").value_or("{}");
  run.labels_json = merge_labels({{deployment.labels_json},
                                  system_label("prefect.flow.id", deployment.flow_id.to_string()),
                                  system_label("prefect.deployment.id", deployment.id.to_string()),
                                  {std::nullopt, non_null_member(body, "labels")}});
  State first_state = requested_first_state(body, R"({"type": "SCHEDULED"})");

  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (auto queue_name = optional_string(body, "work_queue_name")) {
    if (!deployment.work_pool_name) {
      throw_detail(400, "Cannot create flow run in work queue " + *queue_name + " because deployment " +
                            deployment.id.to_string() +
                            " is not associated with a work pool. Please remove work_pool_name and try again.");
    }
    const WorkQueue queue = ensure_work_queue(database, session, *deployment.work_pool_name, *queue_name);
    run.work_queue_id = queue.id;
    run.work_queue_name = queue.name;
  } else if (deployment.work_queue_id) {
    run.work_queue_id = deployment.work_queue_id;
    if (auto queue = read_work_queue(database, session, *deployment.work_queue_id)) run.work_queue_name = queue->name;
  }
  if (run.work_queue_id) {
    if (auto queue = read_work_queue(database, session, *run.work_queue_id)) {
      run.work_pool_id = queue->work_pool_id;
      run.work_pool_name = queue->work_pool_name;
    }
  }
  return create_flow_run_in(call, session, transaction, std::move(run), std::move(first_state));
}

}  // namespace

void register_deployment_routes(Router &router) {
  router.add({"POST", "/deployments/", create, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset, upgrade_deployment_body});
  router.add({"GET", "/deployments/{id:uuid}", read});
  router.add({"GET", "/deployments/name/{flow_name}/{deployment_name}", read_by_name});
  router.add({"PATCH", "/deployments/{id:uuid}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset, upgrade_deployment_body});
  router.add({"DELETE", "/deployments/{id:uuid}", remove});
  router.add({"POST", "/deployments/filter", filter});
  router.add({"POST", "/deployments/count", count});
  router.add({"POST", "/deployments/paginate", paginate});
  router.add({"POST", "/deployments/get_scheduled_flow_runs", get_scheduled_flow_runs});
  router.add({"POST", "/deployments/{id:uuid}/pause_deployment", pause});
  router.add({"POST", "/deployments/{id:uuid}/resume_deployment", resume});
  router.add({"POST", "/deployments/{id:uuid}/create_flow_run", create_run});
}

}  // namespace prefectd
