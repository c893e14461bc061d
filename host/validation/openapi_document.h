// Prefect's OpenAPI document (host/api/contract/prefect-openapi-v3.json),
// embedded in the binary and parsed once: operations by method and path
// template, and `$ref` resolution into its components.
#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

class OpenApiDocument {
 public:
  // Throws std::runtime_error when `json` is not a JSON object.
  explicit OpenApiDocument(std::string_view json);

  // The contract prefectd serves, parsed on first use.
  static const OpenApiDocument &prefect();

  // The operation object of `method` ("GET", ...) on `path_template`
  // ("/flows/{id}"), or nullptr when the document has none.
  const rapidjson::Value *operation(std::string_view method, std::string_view path_template) const;

  // Follows `$ref` ("#/components/schemas/X") until a schema without one;
  // throws std::runtime_error for a reference that leads nowhere.
  const rapidjson::Value &resolve(const rapidjson::Value &schema) const;

  // A router pattern as the document writes it: "/flows/{id:uuid}" → "/flows/{id}".
  static std::string path_template(std::string_view router_pattern);

 private:
  rapidjson::Document document_;
};

}  // namespace prefectd
