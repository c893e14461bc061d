// GET, PUT and DELETE /admin/storage: the server's default result storage block.
#include "api/error_responses.h"
#include "api/json_writer.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/storage_defaults.h"
#include "routes.h"

namespace prefectd {
namespace {

// ServerDefaultResultStorage: {"default_result_storage_block_id": uuid | null}.
std::string storage_response(const std::optional<Uuid> &block_id) {
  rapidjson::Document document(rapidjson::kObjectType);
  rapidjson::Value id;
  if (block_id) id.SetString(block_id->to_string().c_str(), document.GetAllocator());
  document.AddMember("default_result_storage_block_id", id, document.GetAllocator());
  return to_json(document);
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, storage_response(read_default_result_storage(database, session))};
}

HttpResponse update(const RouteCall &call) {
  const Uuid block_id = *Uuid::parse(call.body["default_result_storage_block_id"].GetString());
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  switch (check_result_storage_block(database, session, block_id)) {
    case StorageBlockCheck::Missing:
      throw_detail(404, "Block document " + block_id.to_string() + " not found.");
    case StorageBlockCheck::NotStorage:
      throw_detail(422, "Block document " + block_id.to_string() + " cannot be used for result storage.");
    case StorageBlockCheck::Usable:
      break;
  }
  write_default_result_storage(database, session, block_id);
  const auto stored = read_default_result_storage(database, session);
  transaction.commit();
  return {200, storage_response(stored)};
}

HttpResponse clear(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  clear_default_result_storage(database, session);
  transaction.commit();
  return {204, ""};
}

}  // namespace

void register_admin_storage_routes(Router &router) {
  router.add({"GET", "/admin/storage", read});
  router.add({"PUT", "/admin/storage", update});
  router.add({"DELETE", "/admin/storage", clear});
}

}  // namespace prefectd
