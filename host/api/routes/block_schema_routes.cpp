// POST /block_schemas/, GET /block_schemas/{id}, GET
// /block_schemas/checksum/{checksum}, DELETE /block_schemas/{id},
// POST /block_schemas/filter.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "core/python_json.h"
#include "database/database_interface.h"
#include "models/block_schemas.h"
#include "models/block_types.h"
#include "routes.h"

namespace prefectd {
namespace {

constexpr const char *kBlockSchemaNotFound = "Block schema not found";

HttpResponse create(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Uuid block_type_id = *optional_uuid(body, "block_type_id");
  static const rapidjson::Value kNoFields(rapidjson::kObjectType);
  const rapidjson::Value *fields = non_null_member(body, "fields");
  BlockSchemaValues values{fields ? *fields : kNoFields, block_type_id};
  values.capabilities_json = optional_json(body, "capabilities").value_or("[]");
  values.version = optional_string(body, "version").value_or("non-versioned");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!read_block_type(database, session, block_type_id))
    throw_detail(404, "Block type " + block_type_id.to_string() + " not found.");
  try {
    CreatedBlockSchema created = create_block_schema(database, session, values);
    transaction.commit();
    return {created.inserted ? 201 : 200, to_json(created.block_schema)};
  } catch (const MissingBlockType &error) {
    throw_detail(409, error.what());
  }
  return {500, ""};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto schema = read_block_schema(database, session, path_id(call));
  if (!schema) throw_detail(404, kBlockSchemaNotFound);
  return {200, to_json(*schema)};
}

HttpResponse read_by_checksum(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto schema = read_block_schema_by_checksum(database, session, call.path.at("checksum"),
                                              optional_string(call.query, "version"));
  if (!schema) throw_detail(404, kBlockSchemaNotFound);
  return {200, to_json(*schema)};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  auto schema = read_block_schema(database, session, id);
  if (!schema) throw_detail(404, kBlockSchemaNotFound);
  if (schema->block_type && schema->block_type->is_protected)
    throw_detail(403, "Block schemas for protected block types cannot be deleted.");
  delete_block_schema(database, session, id);
  transaction.commit();
  return {204, ""};
}

HttpResponse filter(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Page page{limit_from_body(body, call.server.settings), offset_from_body(body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto schemas = read_block_schemas(database, session, non_null_member(body, "block_schemas"), page);
  rapidjson::Document response(rapidjson::kArrayType);
  for (const BlockSchema &schema : schemas)
    response.PushBack(block_schema_json(schema, response.GetAllocator()), response.GetAllocator());
  return {200, to_json(response)};
}

}  // namespace

void register_block_schema_routes(Router &router) {
  router.add({"POST", "/block_schemas/", create});
  router.add({"POST", "/block_schemas/filter", filter});
  router.add({"GET", "/block_schemas/{id:uuid}", read});
  router.add({"GET", "/block_schemas/checksum/{checksum}", read_by_checksum});
  router.add({"DELETE", "/block_schemas/{id:uuid}", remove});
}

}  // namespace prefectd
