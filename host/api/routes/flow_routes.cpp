// POST /flows/, GET /flows/{id}, GET /flows/name/{name}, PATCH and DELETE /flows/{id}.
#include "api/error_responses.h"
#include "api/request_body.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/flows.h"
#include "routes.h"

namespace prefectd {
namespace {

constexpr const char *kFlowNotFound = "Flow not found";

Uuid path_id(const RouteCall &call) {
  return *Uuid::parse(call.path.at("id"));
}

HttpResponse create(const RouteCall &call) {
  RequestBody body(call.request);
  body.object_with_only({"name", "tags", "labels"});
  FlowCreate flow;
  auto name = body.string("name", true, kFlowNamePattern);
  auto tags = body.string_list("tags", true);
  auto labels = body.labels("labels");
  body.finish();
  flow.name = *name;
  flow.tags_json = *tags;
  flow.labels_json = labels;
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
  RequestBody body(call.request);
  body.object_with_only({"tags"});
  auto tags = body.string_list("tags", false);
  body.finish();
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
