// /work_pools/{work_pool_name}/queues: a pool's queues by name (api-surface.md §2.6).
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/work_pools.h"
#include "models/work_queues.h"
#include "routes.h"

namespace prefectd {
namespace {

const std::string &pool_name(const RouteCall &call) {
  return call.path.at("work_pool_name");
}

// Throws Prefect's 404 for a missing queue, which is also the answer of a
// read when the pool is missing; updates and deletes look the pool up first.
WorkQueue existing_work_queue(DatabaseInterface &database, Session &session, const RouteCall &call) {
  const std::string &queue_name = call.path.at("name");
  std::optional<WorkQueue> queue = read_work_queue_by_name(database, session, pool_name(call), queue_name);
  if (!queue) throw_detail(404, "Work pool queue '" + pool_name(call) + "/" + queue_name + "' not found.");
  return std::move(*queue);
}

void write_queue(DatabaseInterface &database, Session &session, const WorkQueue &queue, rapidjson::Value &out,
                 rapidjson::Document::AllocatorType &allocator) {
  std::optional<int64_t> active_slots;
  if (queue.concurrency_limit) active_slots = count_work_queue_active_slots(database, session, queue.id);
  write_work_queue(queue, active_slots, out, allocator);
}

std::string queue_response(DatabaseInterface &database, Session &session, const WorkQueue &queue) {
  rapidjson::Document document;
  write_queue(database, session, queue, document, document.GetAllocator());
  return to_json(document);
}

HttpResponse create(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  WorkQueueCreate queue;
  queue.name = body["name"].GetString();
  queue.description = optional_string(body, "description").value_or("");
  queue.is_paused = optional_bool(body, "is_paused").value_or(false);
  queue.concurrency_limit = optional_int(body, "concurrency_limit");
  queue.priority = optional_int(body, "priority");
  queue.filter_json = optional_json(body, "filter");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const WorkPool pool = existing_work_pool(database, session, pool_name(call));
  std::optional<WorkQueue> created = create_work_queue(database, session, pool.id, queue);
  // Prefect's message is not an f-string, so the braces reach the client as written.
  if (!created) throw_detail(409, "A work queue with this name already exists in work pool {work_pool_name!r}.");
  std::string response = queue_response(database, session, *created);
  transaction.commit();
  return {201, std::move(response)};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, queue_response(database, session, existing_work_queue(database, session, call))};
}

HttpResponse update(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  WorkQueueUpdate update;
  update.name = optional_string(body, "name");
  if (member(body, "description") != nullptr) {
    update.description_sent = true;
    update.description = optional_string(body, "description");
  }
  update.is_paused = optional_bool(body, "is_paused");
  if (member(body, "concurrency_limit") != nullptr) {
    update.concurrency_limit_sent = true;
    update.concurrency_limit = optional_int(body, "concurrency_limit");
  }
  update.priority = optional_int(body, "priority");
  if (member(body, "last_polled") != nullptr) {
    update.last_polled_sent = true;
    update.last_polled = optional_timestamp(body, "last_polled");
  }
  if (member(body, "filter") != nullptr) {
    update.filter_sent = true;
    update.filter_json = optional_json(body, "filter");
  }
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  existing_work_pool(database, session, pool_name(call));
  update_work_queue(database, session, existing_work_queue(database, session, call), update);
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const WorkPool pool = existing_work_pool(database, session, pool_name(call));
  const WorkQueue queue = existing_work_queue(database, session, call);
  // Prefect lets the foreign key refuse this and answers 500; a client
  // learns more from a conflict that says why.
  if (pool.default_queue_id == queue.id) {
    throw_detail(409, "Can't delete a pool's default queue.");
  }
  delete_work_queue(database, session, queue);
  transaction.commit();
  return {204, ""};
}

HttpResponse filter(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  FilterSet filters;
  filters.work_queues = FilterSet::from_body(call.body, "work_queues").work_queues;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  const WorkPool pool = existing_work_pool(database, session, pool_name(call));
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  for (const WorkQueue &queue : read_work_queues(database, session, pool.id, filters, page)) {
    rapidjson::Value json;
    write_queue(database, session, queue, json, allocator);
    response.PushBack(json, allocator);
  }
  return {200, to_json(response)};
}

}  // namespace

void register_work_pool_queue_routes(Router &router) {
  router.add({"POST", "/work_pools/{work_pool_name}/queues", create});
  router.add({"GET", "/work_pools/{work_pool_name}/queues/{name}", read});
  router.add({"PATCH", "/work_pools/{work_pool_name}/queues/{name}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"DELETE", "/work_pools/{work_pool_name}/queues/{name}", remove});
  router.add({"POST", "/work_pools/{work_pool_name}/queues/filter", filter});
}

}  // namespace prefectd
