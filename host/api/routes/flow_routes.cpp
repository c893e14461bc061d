// POST /flows/, GET /flows/{id}, GET /flows/name/{name}, PATCH and DELETE /flows/{id}.
#include "api/error_responses.h"
#include "api/router.h"
#include "api/server_context.h"
#include "core/python_json.h"
#include "database/database_interface.h"
#include "models/flows.h"
#include "routes.h"

namespace prefectd {
namespace {

constexpr const char *kFlowNotFound = "Flow not found";

Uuid path_id(const RouteCall &call) {
  return *Uuid::parse(call.path.at("id"));
}

// A validated list or dict member as Prefect stores it, or nullopt when
// absent or null.
std::optional<std::string> stored_json(const rapidjson::Value &body, const char *key) {
  auto member = body.FindMember(key);
  if (member == body.MemberEnd() || member->value.IsNull()) return std::nullopt;
  return to_python_json(member->value);
}

HttpResponse create(const RouteCall &call) {
  FlowCreate flow;
  flow.name = call.body["name"].GetString();
  flow.tags_json = stored_json(call.body, "tags").value_or("[]");
  flow.labels_json = stored_json(call.body, "labels");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  CreatedFlow created = create_flow(database, session, flow);
  transaction.commit();
  return {created.inserted ? 201 : 200, to_json(created.flow)};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto flow = read_flow(database, session, path_id(call));
  if (!flow) throw_detail(404, kFlowNotFound);
  return {200, to_json(*flow)};
}

HttpResponse read_by_name(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto flow = read_flow_by_name(database, session, call.path.at("name"));
  if (!flow) throw_detail(404, kFlowNotFound);
  return {200, to_json(*flow)};
}

HttpResponse update(const RouteCall &call) {
  auto tags = stored_json(call.body, "tags");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  const bool found =
      tags ? update_flow_tags(database, session, id, *tags) : read_flow(database, session, id).has_value();
  if (!found) throw_detail(404, kFlowNotFound);
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_flow(database, session, path_id(call))) throw_detail(404, kFlowNotFound);
  transaction.commit();
  return {204, ""};
}

}  // namespace

void register_flow_routes(Router &router) {
  router.add({"POST", "/flows/", create});
  router.add({"GET", "/flows/{id:uuid}", read});
  router.add({"GET", "/flows/name/{name}", read_by_name});
  router.add({"PATCH", "/flows/{id:uuid}", update});
  router.add({"DELETE", "/flows/{id:uuid}", remove});
}

}  // namespace prefectd
