// Events in (api-surface.md §2.11, §3.1): POST /events and the /events/in
// websocket stamp `received` on each event and publish it to the bus.
#include "api/error_responses.h"
#include "api/json_writer.h"
#include "api/router.h"
#include "api/server_context.h"
#include "api/websocket/websocket_session.h"
#include "core/base64.h"
#include "database/database_interface.h"
#include "events/event.h"
#include "events/event_bus.h"
#include "filters/event_filter.h"
#include "models/events.h"
#include "routes.h"
#include "validation/field_validators.h"

#include <rapidjson/document.h>

#include <algorithm>

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

// The next page's link, as Prefect builds it: the page token (base64 of
// the filter, the total, the page size and the next offset) base64-encoded
// once more into /api/events/filter/next on the request's own host.
std::optional<std::string> next_page_link(const HttpRequest &request, const rapidjson::Value &filter, int64_t total,
                                          int64_t page_size, int64_t offset) {
  if (offset + page_size >= total) return std::nullopt;
  rapidjson::Document token(rapidjson::kObjectType);
  auto &allocator = token.GetAllocator();
  token.AddMember("filter", rapidjson::Value(filter, allocator), allocator);
  token.AddMember("count", total, allocator);
  token.AddMember("page_size", page_size, allocator);
  token.AddMember("offset", offset + page_size, allocator);
  return "http://" + request.header("host").value_or("127.0.0.1") +
         "/api/events/filter/next?page-token=" + base64_encode(base64_encode(to_json(token)));
}

HttpResponse event_page(const RouteCall &call, const rapidjson::Value &filter, int64_t total_known, int64_t page_size,
                        int64_t offset) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  StoredEventPage page;
  try {
    page = read_events(database, session, filter, page_size, offset);
  } catch (const std::invalid_argument &unsupported) {
    throw_detail(422, unsupported.what());
  }
  const int64_t total = total_known >= 0 ? total_known : page.total;
  rapidjson::Document answer(rapidjson::kObjectType);
  auto &allocator = answer.GetAllocator();
  rapidjson::Value events(rapidjson::kArrayType);
  for (const ReceivedEvent &event : page.events) {
    rapidjson::Value written;
    write_received_event(event, written, allocator);
    events.PushBack(written, allocator);
  }
  answer.AddMember("events", events, allocator);
  answer.AddMember("total", total, allocator);
  auto link = next_page_link(call.request, filter, total, page_size, offset);
  answer.AddMember("next_page", link ? rapidjson::Value(link->c_str(), allocator) : rapidjson::Value(), allocator);
  return {200, to_json(answer)};
}

HttpResponse filter_events(const RouteCall &call) {
  rapidjson::Document filter(rapidjson::kObjectType);
  if (auto given = call.body.FindMember("filter"); given != call.body.MemberEnd() && given->value.IsObject()) {
    filter.CopyFrom(given->value, filter.GetAllocator());
  }
  complete_event_filter(filter, filter.GetAllocator(), Timestamp::now());
  return event_page(call, filter, -1, call.body["limit"].GetInt64(), 0);
}

HttpResponse next_events_page(const RouteCall &call) {
  std::string outer = call.request.query_parameter("page-token").value_or("");
  // A '+' of the token may arrive as a space when the link was not re-encoded.
  std::replace(outer.begin(), outer.end(), ' ', '+');
  auto inner = base64_decode(outer);
  auto json = inner ? base64_decode(*inner) : std::nullopt;
  rapidjson::Document token;
  if (json) token.Parse(json->c_str());
  if (!json || token.HasParseError() || !token.IsObject() || !token.HasMember("filter") ||
      !token["filter"].IsObject() || !token.HasMember("count") || !token["count"].IsInt64() ||
      !token.HasMember("page_size") || !token["page_size"].IsInt64() || !token.HasMember("offset") ||
      !token["offset"].IsInt64()) {
    throw_detail(403, "Forbidden");
  }
  return event_page(call, token["filter"], token["count"].GetInt64(), token["page_size"].GetInt64(),
                    token["offset"].GetInt64());
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
  router.add({"POST", "/events/filter", filter_events});
  router.add({"GET", "/events/filter/next", next_events_page});
  router.add_websocket({"/events/in", [](ServerContext &server, const PathParameters &) {
                          return std::make_unique<EventsInSession>(server.events, EventLimits::from(server.settings));
                        }});
}

}  // namespace prefectd
