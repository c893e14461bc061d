// POST /block_documents/, /block_documents/filter and /count; GET, PATCH
// and DELETE /block_documents/{id}. Document data can hold secrets: it is
// never logged here.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "filters/filter_json.h"
#include "models/block_documents.h"
#include "routes.h"

namespace prefectd {
namespace {

constexpr const char *kBlockDocumentNotFound = "Block document not found";

BlockDocumentFilters filters_from_body(const rapidjson::Value &body) {
  return {non_null_member(body, "block_documents"), non_null_member(body, "block_types"),
          non_null_member(body, "block_schemas")};
}

// BlockDocumentCreate's model validator, which the contract cannot state:
// a document that is not anonymous needs a name.
void require_name(const RouteCall &call, const std::optional<std::string> &name, bool anonymous) {
  if (anonymous || (name && !name->empty())) return;
  rapidjson::Document sent;
  sent.Parse(call.request.body.c_str(), call.request.body.size());
  const std::string sent_json = sent.HasParseError() ? "null" : to_json(sent);
  throw_validation_error({ValidationIssue{"value_error",
                                          {std::string("body")},
                                          "Value error, Names must be provided for block documents.",
                                          sent_json,
                                          R"({"error":{}})"}},
                         sent_json);
}

HttpResponse create(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  static const rapidjson::Value kNoData(rapidjson::kObjectType);
  const rapidjson::Value *data = non_null_member(body, "data");
  BlockDocumentValues values{optional_string(body, "name"), data ? *data : kNoData,
                             *optional_uuid(body, "block_schema_id"), *optional_uuid(body, "block_type_id"),
                             optional_bool(body, "is_anonymous").value_or(false)};
  require_name(call, values.name, values.is_anonymous);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (values.name && block_document_name_taken(database, session, values.block_type_id, *values.name))
    throw_detail(409, "Block already exists");
  try {
    BlockDocument created = create_block_document(database, session, values);
    transaction.commit();
    return {201, to_json(created)};
  } catch (const InvalidBlockReference &error) {
    throw_detail(400, error.what());
  } catch (const MissingBlockRow &) {
    HttpResponse conflict = integrity_conflict_response();
    throw HttpError(conflict.status, std::move(conflict.body));
  }
  return {500, ""};
}

HttpResponse filter(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Page page{limit_from_body(body, call.server.settings), offset_from_body(body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto documents = read_block_documents(database, session, filters_from_body(body),
                                        optional_bool(body, "include_secrets").value_or(false),
                                        filter_json::string(&body, "sort").value_or("NAME_ASC"), page);
  rapidjson::Document response(rapidjson::kArrayType);
  for (const BlockDocument &document : documents)
    response.PushBack(block_document_json(document, response.GetAllocator()), response.GetAllocator());
  return {200, to_json(response)};
}

HttpResponse count(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, std::to_string(count_block_documents(database, session, filters_from_body(call.body)))};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto document = read_block_document(database, session, path_id(call),
                                      optional_bool(call.query, "include_secrets").value_or(false));
  if (!document) throw_detail(404, kBlockDocumentNotFound);
  return {200, to_json(*document)};
}

HttpResponse update(const RouteCall &call) {
  static const rapidjson::Value kNothingSent(rapidjson::kObjectType);
  const rapidjson::Value &body = call.body.IsObject() ? call.body : kNothingSent;
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  try {
    if (!update_block_document(database, session, path_id(call), body)) throw_detail(404, kBlockDocumentNotFound);
  } catch (const InvalidBlockReference &error) {
    throw_detail(400, error.what());
  } catch (const MissingBlockRow &) {
    HttpResponse conflict = integrity_conflict_response();
    throw HttpError(conflict.status, std::move(conflict.body));
  }
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_block_document(database, session, path_id(call))) throw_detail(404, kBlockDocumentNotFound);
  transaction.commit();
  return {204, ""};
}

}  // namespace

void register_block_document_routes(Router &router) {
  router.add({"POST", "/block_documents/", create});
  router.add({"POST", "/block_documents/filter", filter});
  router.add({"POST", "/block_documents/count", count});
  router.add({"GET", "/block_documents/{id:uuid}", read});
  router.add({"PATCH", "/block_documents/{id:uuid}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"DELETE", "/block_documents/{id:uuid}", remove});
}

}  // namespace prefectd
