// /task_runs: create, read, rename, delete, set_state; the "read many"
// routes filter, count, paginate and history.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "core/run_names.h"
#include "database/database_interface.h"
#include "filters/filter_json.h"
#include "models/flow_runs.h"
#include "models/run_orchestration.h"
#include "models/task_runs.h"
#include "routes.h"
#include "run_route_support.h"
#include "schemas/labels.h"
#include "schemas/task_run_policy.h"

namespace prefectd {
namespace {

HttpResponse create(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Timestamp now = Timestamp::now();
  TaskRun run;
  run.id = optional_uuid(body, "id").value_or(Uuid::v7());
  run.created = now;
  run.updated = now;
  run.name = optional_string(body, "name").value_or("");
  if (run.name.empty()) run.name = random_run_name();
  run.flow_run_id = optional_uuid(body, "flow_run_id");
  run.task_key = *optional_string(body, "task_key");
  run.dynamic_key = *optional_string(body, "dynamic_key");
  run.cache_key = optional_string(body, "cache_key");
  run.cache_expiration = optional_timestamp(body, "cache_expiration");
  run.task_version = optional_string(body, "task_version");
  run.empirical_policy_json = task_run_policy_json(non_null_member(body, "empirical_policy"));
  run.tags_json = optional_json(body, "tags").value_or("[]");
  run.task_inputs_json = optional_json(body, "task_inputs").value_or("{}");

  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  // The flow run's labels are read before the write transaction, to keep
  // the one writer's turn short.
  std::optional<std::string> flow_run_labels;
  LabelLayer system_labels;
  if (run.flow_run_id) {
    if (auto flow_run = read_flow_run(database, session, *run.flow_run_id)) flow_run_labels = flow_run->labels_json;
    system_labels = system_label("prefect.flow-run.id", run.flow_run_id->to_string());
  }
  run.labels_json =
      merge_labels({{flow_run_labels}, std::move(system_labels), {std::nullopt, non_null_member(body, "labels")}});

  State first_state = requested_first_state(body);

  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (std::optional<TaskRun> created =
          create_task_run(orchestration_scope(call, session), run, std::move(first_state))) {
    transaction.commit();
    return {201, to_json(*created, Timestamp::now())};
  }
  // The task run with this natural key is the answer.
  transaction.rollback();
  const std::optional<TaskRun> existing = read_after_other_writers(session, [&]() -> std::optional<TaskRun> {
    auto id = task_run_with_natural_key(database, session, run);
    return id ? read_task_run(database, session, *id) : std::nullopt;
  });
  if (!existing) throw std::runtime_error("task run " + run.task_key + " vanished");
  return {200, to_json(*existing, Timestamp::now())};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto run = read_task_run(database, session, path_id(call));
  if (!run) throw_detail(404, "Task not found");
  return {200, to_json(*run, Timestamp::now())};
}

HttpResponse update(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  const bool found = member(call.body, "name") != nullptr
                         ? rename_task_run(database, session, id, optional_string(call.body, "name").value_or(""))
                         : read_task_run(database, session, id).has_value();
  if (!found) throw_detail(404, "Task run not found");
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_task_run(database, session, path_id(call))) throw_detail(404, "Task not found");
  transaction.commit();
  return {204, ""};
}

HttpResponse set_state(const RouteCall &call) {
  ProposedTransition proposal = proposed_transition(call);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  TransitionOutcome outcome =
      set_task_run_state(orchestration_scope(call, session), path_id(call), std::move(proposal));
  transaction.commit();
  return {outcome.state_written ? 201 : 200, std::move(outcome.result_json)};
}

// The filters the task-run routes take: flows, flow_runs, task_runs and
// deployments (work pools and queues are not parameters there).
FilterSet task_run_filters(const rapidjson::Value &body) {
  FilterSet filters = FilterSet::from_body(body);
  filters.work_pools = nullptr;
  filters.work_queues = nullptr;
  filters.logs = nullptr;
  return filters;
}

std::string sort_of(const RouteCall &call) {
  return filter_json::string(&call.body, "sort").value_or("");
}

HttpResponse filter(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto runs = read_task_runs(database, session, task_run_filters(call.body), sort_of(call), page);
  const Timestamp now = Timestamp::now();
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  response.Reserve(static_cast<rapidjson::SizeType>(runs.size()), allocator);
  for (const TaskRun &run : runs) {
    rapidjson::Value json;
    write_task_run(run, now, json, allocator);
    response.PushBack(json, allocator);
  }
  return {200, to_json(response)};
}

HttpResponse count(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, std::to_string(count_task_runs(database, session, task_run_filters(call.body)))};
}

// The members of Prefect's reduced TaskRunResponse, the shape of
// /task_runs/paginate results.
constexpr const char *kTaskRunResponseFields[] = {"id",
                                                  "created",
                                                  "updated",
                                                  "name",
                                                  "flow_run_id",
                                                  "task_key",
                                                  "state_id",
                                                  "state",
                                                  "task_version",
                                                  "task_inputs",
                                                  "empirical_policy",
                                                  "tags",
                                                  "start_time",
                                                  "end_time",
                                                  "total_run_time",
                                                  "estimated_run_time",
                                                  "estimated_start_time_delta"};

HttpResponse paginate(const RouteCall &call) {
  const int64_t limit = limit_from_body(call.body, call.server.settings);
  const int64_t page = page_from_body(call.body);
  const FilterSet filters = task_run_filters(call.body);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto runs = read_task_runs(database, session, filters, sort_of(call), Page{limit, (page - 1) * limit});
  const int64_t total = count_task_runs(database, session, filters);

  const Timestamp now = Timestamp::now();
  rapidjson::Document response;
  auto &allocator = response.GetAllocator();
  rapidjson::Value results(rapidjson::kArrayType);
  for (const TaskRun &run : runs) {
    rapidjson::Value full;
    write_task_run(run, now, full, allocator);
    rapidjson::Value reduced(rapidjson::kObjectType);
    for (const char *key : kTaskRunResponseFields) {
      reduced.AddMember(rapidjson::StringRef(key), full[key], allocator);
    }
    results.PushBack(reduced, allocator);
  }
  return {200, paginated_json(response, results, total, limit, page)};
}

HttpResponse history(const RouteCall &call) {
  return run_history_response(call, RunKind::Task, task_run_filters(call.body));
}

}  // namespace

void register_task_run_routes(Router &router) {
  router.add({"POST", "/task_runs/", create});
  router.add({"GET", "/task_runs/{id:uuid}", read});
  router.add({"PATCH", "/task_runs/{id:uuid}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"DELETE", "/task_runs/{id:uuid}", remove});
  router.add({"POST", "/task_runs/{id:uuid}/set_state", set_state});
  router.add({"POST", "/task_runs/filter", filter});
  router.add({"POST", "/task_runs/count", count});
  router.add({"POST", "/task_runs/paginate", paginate});
  router.add({"POST", "/task_runs/history", history});
}

}  // namespace prefectd
