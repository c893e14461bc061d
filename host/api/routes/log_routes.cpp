// /logs: batches from clients; POST /logs/filter.
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "filters/filter_json.h"
#include "models/logs.h"
#include "routes.h"

#include <algorithm>

namespace prefectd {
namespace {

// PostgreSQL refuses NUL in text; Prefect strips it on both dialects.
std::string without_nul(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '\0'), text.end());
  return text;
}

HttpResponse create(const RouteCall &call) {
  std::vector<Log> logs;
  if (call.body.IsArray()) {
    logs.reserve(call.body.Size());
    for (const rapidjson::Value &entry : call.body.GetArray()) {
      Log log;
      log.id = Uuid::v7();
      log.name = without_nul(optional_string(entry, "name").value_or(""));
      log.level = optional_int(entry, "level").value_or(0);
      log.message = without_nul(optional_string(entry, "message").value_or(""));
      log.timestamp = optional_timestamp(entry, "timestamp").value_or(Timestamp::now());
      log.flow_run_id = optional_uuid(entry, "flow_run_id");
      log.task_run_id = optional_uuid(entry, "task_run_id");
      logs.push_back(std::move(log));
    }
  }
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  insert_logs(database, session, logs);
  transaction.commit();
  return {201, "null"};
}

HttpResponse filter(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  FilterSet filters;
  filters.logs = FilterSet::from_body(call.body).logs;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto logs = read_logs(database, session, filters, filter_json::string(&call.body, "sort").value_or(""), page);
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  response.Reserve(static_cast<rapidjson::SizeType>(logs.size()), allocator);
  for (const Log &log : logs) {
    rapidjson::Value json;
    write_log(log, json, allocator);
    response.PushBack(json, allocator);
  }
  return {200, to_json(response)};
}

}  // namespace

void register_log_routes(Router &router) {
  router.add({"POST", "/logs/", create});
  router.add({"POST", "/logs/filter", filter});
}

}  // namespace prefectd
