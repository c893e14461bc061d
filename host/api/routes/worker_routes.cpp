// /work_pools/{work_pool_name}/workers: heartbeats, reading and deleting a
// pool's workers (api-surface.md §2.6).
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/work_pools.h"
#include "models/workers.h"
#include "routes.h"

namespace prefectd {
namespace {

const std::string &pool_name(const RouteCall &call) {
  return call.path.at("work_pool_name");
}

HttpResponse heartbeat(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const WorkPool pool = existing_work_pool(database, session, pool_name(call));
  record_worker_heartbeat(database, session, pool, call.body["name"].GetString(),
                          optional_int(call.body, "heartbeat_interval_seconds"));
  transaction.commit();
  return {204, ""};
}

HttpResponse filter(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  const WorkPool pool = existing_work_pool(database, session, pool_name(call));
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  for (const Worker &worker : read_workers(database, session, pool.id, non_null_member(call.body, "workers"), page)) {
    rapidjson::Value json;
    write_worker(worker, json, allocator);
    response.PushBack(json, allocator);
  }
  return {200, to_json(response)};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const WorkPool pool = existing_work_pool(database, session, pool_name(call));
  if (!delete_worker(database, session, pool.id, call.path.at("name"))) throw_detail(404, "Worker not found.");
  transaction.commit();
  return {204, ""};
}

}  // namespace

void register_worker_routes(Router &router) {
  router.add({"POST", "/work_pools/{work_pool_name}/workers/heartbeat", heartbeat});
  router.add({"POST", "/work_pools/{work_pool_name}/workers/filter", filter});
  router.add({"DELETE", "/work_pools/{work_pool_name}/workers/{name}", remove});
}

}  // namespace prefectd
