// GET /csrf-token?client=ID
#include "api/error_responses.h"
#include "api/json_writer.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/csrf_tokens.h"
#include "routes.h"
#include "settings/settings.h"

namespace prefectd {

void register_csrf_routes(Router &router) {
  router.add({"GET", "/csrf-token", [](const RouteCall &call) {
                std::string client = call.query["client"].GetString();
                // Clients read this 422 as "turn CSRF support off".
                if (!call.server.settings.boolean("PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED")) {
                  throw_detail(422, "CSRF protection is disabled.");
                }
                double lifetime = call.server.settings.seconds("PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION");
                DatabaseInterface &database = call.server.database;
                Session session = database.session();
                Transaction transaction(session, PD_TRANSACTION_WRITE);
                CsrfToken token = create_or_update_csrf_token(database, session, client, lifetime);
                delete_expired_csrf_tokens(database, session);
                transaction.commit();
                return HttpResponse{200, to_json(token)};
              }});
}

}  // namespace prefectd
