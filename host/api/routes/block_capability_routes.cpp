// GET /block_capabilities/: every capability a block schema declares.
#include "api/json_writer.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/block_schemas.h"
#include "routes.h"

namespace prefectd {
namespace {

HttpResponse read_capabilities(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  rapidjson::Document response(rapidjson::kArrayType);
  for (const std::string &capability : read_block_capabilities(database, session))
    response.PushBack(rapidjson::Value(capability.c_str(), response.GetAllocator()), response.GetAllocator());
  return {200, to_json(response)};
}

}  // namespace

void register_block_capability_routes(Router &router) {
  router.add({"GET", "/block_capabilities/", read_capabilities});
}

}  // namespace prefectd
