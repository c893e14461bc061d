// POST /block_types/, GET /block_types/{id}, GET /block_types/slug/{slug},
// PATCH and DELETE /block_types/{id}, POST /block_types/filter, the
// documents of a type (GET /block_types/slug/{slug}/block_documents and
// .../name/{block_document_name}) and POST /block_types/install_system_block_types.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/block_documents.h"
#include "models/block_registration.h"
#include "models/block_types.h"
#include "routes.h"

#include <algorithm>
#include <cctype>

namespace prefectd {
namespace {

constexpr const char *kBlockTypeNotFound = "Block type not found";
constexpr const char *kUpdatableMembers[] = {"logo_url", "documentation_url", "description", "code_example"};

bool include_secrets(const RouteCall &call) {
  return optional_bool(call.query, "include_secrets").value_or(false);
}

HttpResponse create(const RouteCall &call) {
  BlockTypeValues values;
  values.name = call.body["name"].GetString();
  values.slug = call.body["slug"].GetString();
  values.logo_url = optional_string(call.body, "logo_url");
  values.documentation_url = optional_string(call.body, "documentation_url");
  values.description = optional_string(call.body, "description");
  values.code_example = optional_string(call.body, "code_example");
  // "prefect" is reserved for the types Prefect itself registers.
  std::string lowered = values.name;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lowered.rfind("prefect", 0) == 0) throw_detail(403, "Block type names beginning with 'Prefect' are reserved.");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  auto created = create_block_type(database, session, values);
  if (!created) throw_detail(409, "Block type with name \"" + values.name + "\" already exists");
  transaction.commit();
  return {201, to_json(*created)};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto type = read_block_type(database, session, path_id(call));
  if (!type) throw_detail(404, kBlockTypeNotFound);
  return {200, to_json(*type)};
}

HttpResponse read_by_slug(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto type = read_block_type_by_slug(database, session, call.path.at("slug"));
  if (!type) throw_detail(404, kBlockTypeNotFound);
  return {200, to_json(*type)};
}

// Prefect's _should_update_block_type: write only when a sent member
// differs, so clients registering the same type concurrently do not
// contend for the row.
bool changes_something(const rapidjson::Value &update, const BlockType &current) {
  const std::optional<std::string> BlockType::*fields[] = {&BlockType::logo_url, &BlockType::documentation_url,
                                                           &BlockType::description, &BlockType::code_example};
  for (size_t i = 0; i < std::size(kUpdatableMembers); ++i) {
    auto member = update.FindMember(kUpdatableMembers[i]);
    if (member == update.MemberEnd()) continue;
    const std::optional<std::string> sent =
        member->value.IsString() ? std::optional<std::string>(member->value.GetString()) : std::nullopt;
    if (sent != current.*fields[i]) return true;
  }
  return false;
}

HttpResponse update(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  auto current = read_block_type(database, session, id);
  if (!current) throw_detail(404, kBlockTypeNotFound);
  if (call.body.IsObject() && changes_something(call.body, *current))
    update_block_type(database, session, id, call.body);
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  auto current = read_block_type(database, session, id);
  if (!current) throw_detail(404, kBlockTypeNotFound);
  if (current->is_protected) throw_detail(403, "protected block types cannot be deleted.");
  delete_block_type(database, session, id);
  transaction.commit();
  return {204, ""};
}

HttpResponse filter(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Page page{limit_from_body(body, call.server.settings), offset_from_body(body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto types = read_block_types(database, session, non_null_member(body, "block_types"),
                                non_null_member(body, "block_schemas"), page);
  rapidjson::Document response(rapidjson::kArrayType);
  for (const BlockType &type : types)
    response.PushBack(block_type_json(type, response.GetAllocator()), response.GetAllocator());
  return {200, to_json(response)};
}

HttpResponse documents_of_type(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto type = read_block_type_by_slug(database, session, call.path.at("slug"));
  if (!type) throw_detail(404, kBlockTypeNotFound);
  // Prefect's BlockDocumentFilter(block_type_id=...): is_anonymous keeps its default, eq_ false.
  rapidjson::Document filter(rapidjson::kObjectType);
  auto &allocator = filter.GetAllocator();
  rapidjson::Value ids(rapidjson::kArrayType);
  ids.PushBack(rapidjson::Value(type->id.to_string().c_str(), allocator), allocator);
  rapidjson::Value type_id(rapidjson::kObjectType);
  type_id.AddMember("any_", ids, allocator);
  rapidjson::Value anonymous(rapidjson::kObjectType);
  anonymous.AddMember("eq_", false, allocator);
  filter.AddMember("block_type_id", type_id, allocator);
  filter.AddMember("is_anonymous", anonymous, allocator);
  auto documents = read_block_documents(database, session, BlockDocumentFilters{&filter, nullptr, nullptr},
                                        include_secrets(call), "NAME_ASC", Page{});
  rapidjson::Document response(rapidjson::kArrayType);
  for (const BlockDocument &document : documents)
    response.PushBack(block_document_json(document, response.GetAllocator()), response.GetAllocator());
  return {200, to_json(response)};
}

HttpResponse document_by_name(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto document = read_block_document_by_name(database, session, call.path.at("slug"),
                                              call.path.at("block_document_name"), include_secrets(call));
  if (!document) throw_detail(404, "Block document not found");
  return {200, to_json(*document)};
}

HttpResponse install_system_types(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  install_system_block_types(database, session);
  transaction.commit();
  return {200, "null"};
}

}  // namespace

void register_block_type_routes(Router &router) {
  router.add({"POST", "/block_types/", create});
  router.add({"GET", "/block_types/{id:uuid}", read});
  router.add({"GET", "/block_types/slug/{slug}", read_by_slug});
  router.add({"PATCH", "/block_types/{id:uuid}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"DELETE", "/block_types/{id:uuid}", remove});
  router.add({"POST", "/block_types/filter", filter});
  router.add({"GET", "/block_types/slug/{slug}/block_documents", documents_of_type});
  router.add({"GET", "/block_types/slug/{slug}/block_documents/name/{block_document_name}", document_by_name});
  router.add({"POST", "/block_types/install_system_block_types", install_system_types});
}

}  // namespace prefectd
