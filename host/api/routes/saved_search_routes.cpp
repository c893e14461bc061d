// /saved_searches: PUT upserts by name; read, delete, filter (by name).
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/saved_searches.h"
#include "routes.h"

namespace prefectd {
namespace {

constexpr const char *kSavedSearchNotFound = "Saved search not found";

std::string saved_search_response(const SavedSearch &search) {
  rapidjson::Document document;
  write_saved_search(search, document, document.GetAllocator());
  return to_json(document);
}

HttpResponse upsert(const RouteCall &call) {
  const std::string name = call.body["name"].GetString();
  const std::string filters = optional_json(call.body, "filters").value_or("[]");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const UpsertedSavedSearch stored = upsert_saved_search(database, session, name, filters);
  transaction.commit();
  return {stored.inserted ? 201 : 200, saved_search_response(stored.saved_search)};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto search = read_saved_search(database, session, path_id(call));
  if (!search) throw_detail(404, kSavedSearchNotFound);
  return {200, saved_search_response(*search)};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_saved_search(database, session, path_id(call))) throw_detail(404, kSavedSearchNotFound);
  transaction.commit();
  return {204, ""};
}

HttpResponse filter(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto searches = read_saved_searches(database, session, page);
  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  for (const SavedSearch &search : searches) {
    rapidjson::Value json;
    write_saved_search(search, json, allocator);
    response.PushBack(json, allocator);
  }
  return {200, to_json(response)};
}

}  // namespace

void register_saved_search_routes(Router &router) {
  router.add({"PUT", "/saved_searches/", upsert});
  router.add({"GET", "/saved_searches/{id:uuid}", read});
  router.add({"DELETE", "/saved_searches/{id:uuid}", remove});
  router.add({"POST", "/saved_searches/filter", filter});
}

}  // namespace prefectd
