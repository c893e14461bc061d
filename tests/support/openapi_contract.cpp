#include "openapi_contract.h"

#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <stdexcept>

#ifndef PREFECTD_OPENAPI_PATH
#error "PREFECTD_OPENAPI_PATH must point at prefect-openapi-v3.json"
#endif

namespace prefectd::testing_support {
namespace {

const rapidjson::Document &openapi() {
  static const rapidjson::Document document = [] {
    std::ifstream stream(PREFECTD_OPENAPI_PATH);
    if (!stream) throw std::runtime_error("cannot read " + std::string(PREFECTD_OPENAPI_PATH));
    std::stringstream text;
    text << stream.rdbuf();
    rapidjson::Document parsed;
    parsed.Parse(text.str().c_str());
    if (parsed.HasParseError()) throw std::runtime_error("the OpenAPI document does not parse");
    return parsed;
  }();
  return document;
}

// Validates `body` against `schema`, whose $refs point into the OpenAPI
// document's components: the schema becomes the root of a document that
// also carries those components, so "#/components/..." resolves.
std::string validate(const rapidjson::Value &schema, const std::string &body) {
  rapidjson::Document root;
  root.SetObject();
  auto &allocator = root.GetAllocator();
  if (schema.IsObject()) {
    for (const auto &member : schema.GetObject()) {
      root.AddMember(rapidjson::Value(member.name, allocator), rapidjson::Value(member.value, allocator), allocator);
    }
  }
  root.AddMember("components", rapidjson::Value(openapi()["components"], allocator), allocator);
  rapidjson::SchemaDocument schema_document(root);
  rapidjson::SchemaValidator validator(schema_document);
  rapidjson::Document instance;
  instance.Parse(body.c_str());
  if (instance.HasParseError()) return "the body is not JSON: " + body.substr(0, 200);
  if (instance.Accept(validator)) return {};
  rapidjson::StringBuffer where;
  validator.GetInvalidSchemaPointer().StringifyUriFragment(where);
  rapidjson::StringBuffer at;
  validator.GetInvalidDocumentPointer().StringifyUriFragment(at);
  return std::string("violates ") + where.GetString() + " (" + validator.GetInvalidSchemaKeyword() + ") at " +
         at.GetString() + " in " + body.substr(0, 400);
}

}  // namespace

std::string contract_violation(const std::string &method, const std::string &path, int status,
                               const std::string &body) {
  const auto &paths = openapi()["paths"];
  if (!paths.HasMember(path.c_str())) return "no path " + path + " in the OpenAPI document";
  std::string verb = method;
  std::transform(verb.begin(), verb.end(), verb.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto &operations = paths[path.c_str()];
  if (!operations.HasMember(verb.c_str())) return "no " + method + " " + path + " in the OpenAPI document";
  const auto &responses = operations[verb.c_str()]["responses"];
  std::string code = std::to_string(status);
  // Prefect's upsert routes document 200 but answer 201 when they inserted
  // (they set the status at run time); the body is the same model.
  if (status == 201 && !responses.HasMember("201") && responses.HasMember("200")) code = "200";
  if (!responses.HasMember(code.c_str())) return "status " + code + " is not documented for " + method + " " + path;
  const auto &response = responses[code.c_str()];
  if (!response.HasMember("content")) return body.empty() ? std::string() : "documented without a body, got " + body;
  return validate(response["content"]["application/json"]["schema"], body);
}

std::string schema_violation(const std::string &schema, const std::string &body) {
  const auto &schemas = openapi()["components"]["schemas"];
  if (!schemas.HasMember(schema.c_str())) return "no schema " + schema;
  rapidjson::Document reference;
  reference.SetObject();
  std::string pointer = "#/components/schemas/" + schema;
  reference.AddMember("$ref", rapidjson::Value(pointer.c_str(), reference.GetAllocator()), reference.GetAllocator());
  return validate(reference, body);
}

}  // namespace prefectd::testing_support
