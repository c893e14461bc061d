// Events in (api-surface.md §2.11, §3.1): POST /events and the /events/in
// websocket stamp `received` on each event and publish it to the bus.
#include "api/router.h"
#include "api/server_context.h"
#include "api/websocket/websocket_session.h"
#include "events/event.h"
#include "events/event_bus.h"
#include "routes.h"
#include "validation/field_validators.h"

#include <rapidjson/document.h>

namespace prefectd {
namespace {

HttpResponse create_events(const RouteCall &call) {
  const EventLimits limits = EventLimits::from(call.server.settings);
  std::vector<ValidationIssue> issues;
  for (rapidjson::SizeType i = 0; i < call.body.Size(); ++i) {
    check_event_rules(call.body[i], limits, {std::string("body"), size_t{i}}, issues);
  }
  throw_if_invalid(issues, call.request);
  const Timestamp received = Timestamp::now();
  for (const auto &event : call.body.GetArray()) call.server.events.publish(receive_event(event, limits, received));
  return {204, ""};
}

// One JSON Event per text frame; the server never answers. A frame that is
// not a valid Event fails the socket, as the exception out of Prefect's
// Event.model_validate_json does.
class EventsInSession final : public WebSocketSession {
 public:
  EventsInSession(EventBus &bus, EventLimits limits) : bus_(bus), limits_(limits) {}

  void on_text(WebSocketChannel &, std::string_view message) override {
    rapidjson::Document parsed;
    parsed.Parse(message.data(), message.size());
    if (parsed.HasParseError()) throw std::invalid_argument("an /events/in frame is not JSON");
    bus_.publish(receive_event(parsed, limits_, Timestamp::now()));
  }

 private:
  EventBus &bus_;
  EventLimits limits_;
};

}  // namespace

void register_event_routes(Router &router) {
  // Inline: publishing only queues the events for the bus's consumers.
  router.add({"POST", "/events", create_events, Execution::Inline});
  router.add_websocket({"/events/in", [](ServerContext &server, const PathParameters &) {
                          return std::make_unique<EventsInSession>(server.events, EventLimits::from(server.settings));
                        }});
}

}  // namespace prefectd
