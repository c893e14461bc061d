// /work_pools: create, read, update and delete by name, filter and count,
// and the worker's poll for scheduled runs (api-surface.md §2.6).
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/work_pools.h"
#include "models/work_queues.h"
#include "models/worker_polling.h"
#include "routes.h"
#include "validation/field_validators.h"

#include <algorithm>
#include <cctype>

namespace prefectd {
namespace {

bool is_reserved(const std::string &name) {
  constexpr std::string_view kReservedPrefix = "prefect";
  if (name.size() < kReservedPrefix.size()) return false;
  return std::equal(kReservedPrefix.begin(), kReservedPrefix.end(), name.begin(),
                    [](char reserved, char c) { return reserved == std::tolower(static_cast<unsigned char>(c)); });
}

void write_pool(DatabaseInterface &database, Session &session, const WorkPool &pool, rapidjson::Value &out,
                rapidjson::Document::AllocatorType &allocator) {
  std::optional<int64_t> active_slots;
  if (pool.concurrency_limit) active_slots = count_work_pool_active_slots(database, session, pool.id);
  write_work_pool(pool, active_slots, out, allocator);
}

std::string pool_response(DatabaseInterface &database, Session &session, const WorkPool &pool) {
  rapidjson::Document document;
  write_pool(database, session, pool, document, document.GetAllocator());
  return to_json(document);
}

HttpResponse create(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  WorkPoolCreate pool;
  pool.name = body["name"].GetString();
  if (is_reserved(pool.name)) throw_detail(403, "Work pools starting with 'Prefect' are reserved for internal use.");
  std::vector<ValidationIssue> issues;
  check_base_job_template(body, issues);
  throw_if_invalid(issues, call.request);
  pool.description = optional_string(body, "description");
  pool.type = optional_string(body, "type").value_or(kAgentPoolType);
  pool.base_job_template_json = optional_json(body, "base_job_template").value_or("{}");
  pool.is_paused = optional_bool(body, "is_paused").value_or(false);
  pool.concurrency_limit = optional_int(body, "concurrency_limit");
  pool.storage_configuration_json = storage_configuration_json(non_null_member(body, "storage_configuration"));

  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  std::optional<WorkPool> created = create_work_pool(database, session, pool);
  if (!created) throw_detail(409, "A work pool with this name already exists.");
  std::string response = pool_response(database, session, *created);
  transaction.commit();
  return {201, std::move(response)};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  const WorkPool pool = existing_work_pool(database, session, call.path.at("name"));
  return {200, pool_response(database, session, pool)};
}

HttpResponse update(const RouteCall &call) {
  const std::string &name = call.path.at("name");
  const rapidjson::Value &body = call.body;
  if (is_reserved(name)) {
    for (const auto &sent : body.GetObject()) {
      const std::string_view key(sent.name.GetString(), sent.name.GetStringLength());
      if (key != "is_paused" && key != "concurrency_limit") {
        throw_detail(403,
                     "Work pools starting with 'Prefect' are reserved for internal use and can only be updated to "
                     "set concurrency limits or pause.");
      }
    }
  }
  std::vector<ValidationIssue> issues;
  check_base_job_template(body, issues);
  throw_if_invalid(issues, call.request);
  WorkPoolUpdate update;
  if (member(body, "description") != nullptr) {
    update.description_sent = true;
    update.description = optional_string(body, "description");
  }
  update.is_paused = optional_bool(body, "is_paused");
  update.base_job_template_json = optional_json(body, "base_job_template");
  if (member(body, "concurrency_limit") != nullptr) {
    update.concurrency_limit_sent = true;
    update.concurrency_limit = optional_int(body, "concurrency_limit");
  }
  if (const rapidjson::Value *storage = non_null_member(body, "storage_configuration")) {
    update.storage_configuration_json = storage_configuration_json(storage);
  }

  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  update_work_pool(database, session, existing_work_pool(database, session, name), update);
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  const std::string &name = call.path.at("name");
  if (is_reserved(name)) {
    throw_detail(403, "Work pools starting with 'Prefect' are reserved for internal use and can not be deleted.");
  }
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  delete_work_pool(database, session, existing_work_pool(database, session, name).id);
  transaction.commit();
  return {204, ""};
}

HttpResponse filter(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  FilterSet filters;
  filters.work_pools = FilterSet::from_body(call.body).work_pools;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  for (const WorkPool &pool : read_work_pools(database, session, filters, page)) {
    rapidjson::Value json;
    write_pool(database, session, pool, json, allocator);
    response.PushBack(json, allocator);
  }
  return {200, to_json(response)};
}

HttpResponse count(const RouteCall &call) {
  FilterSet filters;
  filters.work_pools = FilterSet::from_body(call.body).work_pools;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, std::to_string(count_work_pools(database, session, filters))};
}

// A worker's poll: the runs it may start, then the record that its queues
// were polled (a NOT_READY queue becomes READY), in one write transaction
// so that PostgreSQL's row locks keep two workers from taking one run.
HttpResponse get_scheduled_flow_runs(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const WorkPool pool = existing_work_pool(database, session, call.path.at("name"));
  ScheduledRunsRequest request;
  request.work_pool_ids = {pool.id};
  request.scheduled_before = optional_timestamp(body, "scheduled_before");
  request.scheduled_after = optional_timestamp(body, "scheduled_after");
  request.limit = limit_from_body(body, call.server.settings);
  std::vector<Uuid> polled_queue_ids;
  const rapidjson::Value *queue_names = non_null_member(body, "work_queue_names");
  if (queue_names != nullptr && !queue_names->Empty()) {
    request.work_queue_ids.emplace();
    for (const auto &queue_name : queue_names->GetArray()) {
      const Uuid id = work_queue_by_name(database, session, pool.name, queue_name.GetString()).id;
      request.work_queue_ids->push_back(id);
      polled_queue_ids.push_back(id);
    }
  } else {
    for (const WorkQueue &queue : read_work_queues(database, session, pool.id, FilterSet{}, Page{})) {
      polled_queue_ids.push_back(queue.id);
    }
  }
  std::vector<ScheduledFlowRun> runs = scheduled_flow_runs(database, session, request);
  record_work_queue_polls(database, session, polled_queue_ids);
  mark_deployments_polled(database, session, polled_queue_ids);

  const Timestamp now = Timestamp::now();
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  for (const ScheduledFlowRun &scheduled : runs) {
    rapidjson::Value entry(rapidjson::kObjectType);
    rapidjson::Value run;
    write_worker_flow_run(scheduled.run, now, run, allocator);
    entry.AddMember("work_pool_id", rapidjson::Value(scheduled.work_pool_id.to_string().c_str(), allocator), allocator);
    entry.AddMember("work_queue_id", rapidjson::Value(scheduled.work_queue_id.to_string().c_str(), allocator),
                    allocator);
    entry.AddMember("flow_run", run, allocator);
    response.PushBack(entry, allocator);
  }
  transaction.commit();
  return {200, to_json(response)};
}

}  // namespace

void register_work_pool_routes(Router &router) {
  router.add({"POST", "/work_pools/", create});
  router.add({"GET", "/work_pools/{name}", read});
  router.add({"PATCH", "/work_pools/{name}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"DELETE", "/work_pools/{name}", remove});
  router.add({"POST", "/work_pools/filter", filter});
  router.add({"POST", "/work_pools/count", count});
  router.add({"POST", "/work_pools/{name}/get_scheduled_flow_runs", get_scheduled_flow_runs});
}

}  // namespace prefectd
