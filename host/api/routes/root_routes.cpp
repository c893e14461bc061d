// GET /health, /version, /hello, /ready.
#include "api/json_writer.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_error.h"
#include "database/database_interface.h"
#include "routes.h"
#include "version.h"

#include <spdlog/spdlog.h>

namespace prefectd {

void register_root_routes(Router &router) {
  router.add({"GET", "/health", [](const RouteCall &) { return HttpResponse{200, "true"}; }, Execution::Inline, false});
  router.add({"GET", "/version",
              [](const RouteCall &) {
                return HttpResponse{200, json_string(kPrefectApiVersion)};
              },
              Execution::Inline, false});
  router.add({"GET", "/hello",
              [](const RouteCall &) {
                return HttpResponse{200, json_string("\xF0\x9F\x91\x8B")};
              },
              Execution::Inline});
  // Readiness means the database answers; the backend bounds the wait by
  // its connection timeout, so this cannot hang.
  router.add({"GET", "/ready", [](const RouteCall &call) {
                try {
                  call.server.database.ping();
                  return HttpResponse{200, R"({"message":"OK"})"};
                } catch (const DatabaseError &error) {
                  spdlog::warn("readiness check failed: {}", error.what());
                  return HttpResponse{503, R"({"message":"Database is not available"})"};
                }
              }});
}

}  // namespace prefectd
