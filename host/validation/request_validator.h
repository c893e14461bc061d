// Validates a request's JSON body and query parameters against the OpenAPI
// operation that documents its route, as FastAPI does before a Prefect
// handler runs, and hands the handler the validated values.
#pragma once

#include "schema.h"
#include "schema_compiler.h"

#include "api/http_types.h"

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <vector>

namespace prefectd {

// What a handler receives: `body` is Null when the operation takes none (or
// an optional body was not sent); `query` is an object of the declared
// query parameters. Both live in `storage`'s allocator.
struct ValidatedRequest {
  rapidjson::Document storage;
  rapidjson::Value body;
  rapidjson::Value query{rapidjson::kObjectType};
};

class RequestValidator {
 public:
  enum class BodyDefaults {
    Fill,        // members the client left out get the schema's `default`
    LeaveUnset,  // only what was sent: for updates that apply the fields set (pydantic's exclude_unset)
  };

  // Compiles everything the operation needs once, at route registration.
  RequestValidator(SchemaCompiler &compiler, const rapidjson::Value &operation, BodyDefaults defaults);

  // Fills `validated`, or throws HttpError 422 in Prefect's shape.
  void validate(const HttpRequest &request, ValidatedRequest &validated) const;

 private:
  enum class BodyShape {
    None,      // the operation takes no body
    Single,    // one body parameter: the whole JSON body is that value
    Embedded,  // several (or embedded) parameters: a JSON object, one key each
  };
  struct QueryParameter {
    std::string name;
    const Schema *schema = nullptr;
    bool required = false;
    bool repeated = false;  // a list: every occurrence of the name
    const rapidjson::Value *default_value = nullptr;
  };

  BodyShape body_shape_ = BodyShape::None;
  bool body_required_ = false;
  const Schema *body_schema_ = nullptr;
  const rapidjson::Value *body_default_ = nullptr;
  bool fill_defaults_ = true;
  std::vector<QueryParameter> query_;
};

}  // namespace prefectd
