#include "api/router.h"
#include "api/websocket/websocket_session.h"
#include "routes.h"

namespace prefectd {
namespace {

// /events/in: one event per text frame; the server never answers.
class EventsInSession final : public WebSocketSession {
 public:
  void on_text(WebSocketChannel &, std::string_view) override {}
};

}  // namespace

void register_event_routes(Router &router) {
  router.add_websocket(
      {"/events/in", [](ServerContext &, const PathParameters &) { return std::make_unique<EventsInSession>(); }});
}

}  // namespace prefectd
