// GET /admin/version and /admin/settings.
#include "api/json_writer.h"
#include "api/router.h"
#include "api/server_context.h"
#include "routes.h"
#include "settings/settings.h"
#include "version.h"

namespace prefectd {

void register_admin_routes(Router &router) {
  router.add({"GET", "/admin/version",
              [](const RouteCall &) {
                return HttpResponse{200, json_string(kPrefectCompatibleVersion)};
              },
              Execution::Inline});
  router.add({"GET", "/admin/settings",
              [](const RouteCall &call) {
                rapidjson::Document document;
                call.server.settings.to_json(document);
                return HttpResponse{200, to_json(document)};
              },
              Execution::Inline});
}

}  // namespace prefectd
