#include "prefect_contract.h"

#include "openapi_document.h"
#include "schema_compiler.h"

#include <stdexcept>
#include <string>

namespace prefectd {

std::shared_ptr<const RequestValidator> prefect_request_validator(std::string_view method,
                                                                  std::string_view router_pattern,
                                                                  RequestValidator::BodyDefaults defaults) {
  const OpenApiDocument &document = OpenApiDocument::prefect();
  static SchemaCompiler compiler(document);
  const std::string path = OpenApiDocument::path_template(router_pattern);
  const rapidjson::Value *operation = document.operation(method, path);
  if (operation == nullptr) {
    throw std::logic_error("Prefect's OpenAPI document has no " + std::string(method) + " " + path +
                           "; register the route with RequestValidation::None if it is prefectd's own");
  }
  return std::make_shared<const RequestValidator>(compiler, *operation, defaults);
}

}  // namespace prefectd
