// POST /flows/, GET /flows/{id}, GET /flows/name/{name}, PATCH and DELETE /flows/{id};
// POST /flows/filter, /flows/count, /flows/paginate and /flows/bulk_delete.
#include "api/error_responses.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "core/python_json.h"
#include "database/database_interface.h"
#include "filters/filter_json.h"
#include "models/flows.h"
#include "routes.h"

namespace prefectd {
namespace {

constexpr const char *kFlowNotFound = "Flow not found";

std::string flow_list_json(const std::vector<Flow> &flows, rapidjson::Document &document) {
  document.SetArray();
  for (const Flow &flow : flows) document.PushBack(flow_json(flow, document.GetAllocator()), document.GetAllocator());
  return to_json(document);
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

HttpResponse filter(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Page page{limit_from_body(body, call.server.settings), offset_from_body(body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto flows =
      read_flows(database, session, FilterSet::from_body(body), filter_json::string(&body, "sort").value_or(""), page);
  rapidjson::Document response;
  return {200, flow_list_json(flows, response)};
}

HttpResponse count(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, std::to_string(count_flows(database, session, FilterSet::from_body(body)))};
}

HttpResponse paginate(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const int64_t limit = limit_from_body(body, call.server.settings);
  const int64_t page = page_from_body(body);
  const FilterSet filters = FilterSet::from_body(body);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto flows = read_flows(database, session, filters, filter_json::string(&body, "sort").value_or(""),
                          Page{limit, (page - 1) * limit});
  const int64_t total = count_flows(database, session, filters);

  rapidjson::Document response;
  auto &allocator = response.GetAllocator();
  rapidjson::Value results(rapidjson::kArrayType);
  for (const Flow &flow : flows) results.PushBack(flow_json(flow, allocator), allocator);
  return {200, paginated_json(response, results, total, limit, page)};
}

// Deletes up to `limit` flows matching `flows` (by name, as read_flows
// orders by default), their deployments with them.
HttpResponse bulk_delete(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const int64_t limit = bulk_limit_from_body(body);
  FilterSet filters;
  filters.flows = FilterSet::from_body(body).flows;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  std::vector<Uuid> ids;
  for (const Flow &flow : read_flows(database, session, filters, "", Page{limit, 0})) ids.push_back(flow.id);
  const std::vector<Uuid> deleted = delete_flows(database, session, ids);
  transaction.commit();

  rapidjson::Document response;
  auto &allocator = response.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const Uuid &id : deleted) list.PushBack(rapidjson::Value(id.to_string().c_str(), allocator), allocator);
  response.SetObject();
  response.AddMember("deleted", list, allocator);
  return {200, to_json(response)};
}

}  // namespace

void register_flow_routes(Router &router) {
  router.add({"POST", "/flows/", create});
  router.add({"GET", "/flows/{id:uuid}", read});
  router.add({"GET", "/flows/name/{name}", read_by_name});
  router.add({"PATCH", "/flows/{id:uuid}", update});
  router.add({"DELETE", "/flows/{id:uuid}", remove});
  router.add({"POST", "/flows/filter", filter});
  router.add({"POST", "/flows/count", count});
  router.add({"POST", "/flows/paginate", paginate});
  router.add({"POST", "/flows/bulk_delete", bulk_delete});
}

}  // namespace prefectd
