#include "openapi_document.h"

#include <rapidjson/pointer.h>

#include <cctype>
#include <stdexcept>

namespace prefectd {

// Generated from host/api/contract/prefect-openapi-v3.json.
std::string_view prefect_openapi_text();

namespace {

rapidjson::Value::ConstMemberIterator find(const rapidjson::Value &object, std::string_view key) {
  return object.FindMember(
      rapidjson::Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
}

}  // namespace

OpenApiDocument::OpenApiDocument(std::string_view json) {
  document_.Parse(json.data(), json.size());
  if (document_.HasParseError() || !document_.IsObject() || !document_.HasMember("paths")) {
    throw std::runtime_error("the OpenAPI document does not parse");
  }
}

const OpenApiDocument &OpenApiDocument::prefect() {
  static const OpenApiDocument document(prefect_openapi_text());
  return document;
}

const rapidjson::Value *OpenApiDocument::operation(std::string_view method, std::string_view path_template) const {
  const rapidjson::Value &paths = document_["paths"];
  auto path = find(paths, path_template);
  if (path == paths.MemberEnd() || !path->value.IsObject()) return nullptr;
  std::string verb(method);
  for (char &c : verb) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto operation = find(path->value, verb);
  return operation == path->value.MemberEnd() ? nullptr : &operation->value;
}

const rapidjson::Value &OpenApiDocument::resolve(const rapidjson::Value &schema) const {
  const rapidjson::Value *current = &schema;
  for (int depth = 0; current->IsObject() && current->HasMember("$ref"); ++depth) {
    const rapidjson::Value &reference = (*current)["$ref"];
    std::string_view text(reference.GetString(), reference.GetStringLength());
    if (depth > 32 || !text.starts_with("#/")) throw std::runtime_error("unresolvable $ref " + std::string(text));
    rapidjson::Pointer pointer(text.data() + 1, text.size() - 1);
    current = pointer.Get(document_);
    if (current == nullptr) throw std::runtime_error("dangling $ref " + std::string(text));
  }
  return *current;
}

std::string OpenApiDocument::path_template(std::string_view router_pattern) {
  std::string result;
  bool in_parameter = false;
  bool in_converter = false;
  for (char c : router_pattern) {
    if (c == '{') in_parameter = true;
    if (c == '}') in_parameter = in_converter = false;
    if (in_parameter && c == ':') in_converter = true;
    if (!in_converter) result.push_back(c);
  }
  return result;
}

}  // namespace prefectd
