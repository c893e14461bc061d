// /logs: batches from clients.
#include "api/json_access.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
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
  std::vector<LogRecord> logs;
  if (call.body.IsArray()) {
    logs.reserve(call.body.Size());
    for (const rapidjson::Value &entry : call.body.GetArray()) {
      LogRecord log;
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

}  // namespace

void register_log_routes(Router &router) {
  router.add({"POST", "/logs/", create});
}

}  // namespace prefectd
