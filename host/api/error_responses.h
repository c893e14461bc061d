// Prefect's error bodies (api-surface.md §1.3), in one place.
#pragma once

#include "http_types.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace prefectd {

// {"detail": "<message>"}: route-raised errors, 404 Not Found, 405.
HttpResponse detail_response(int status, std::string_view message);
// {"exception_message": "<message>"}: 500, 503, 401 and model-level 404s.
HttpResponse exception_message_response(int status, std::string_view message);

HttpResponse not_found_response();
HttpResponse method_not_allowed_response();
HttpResponse internal_error_response();
HttpResponse service_unavailable_response();
HttpResponse integrity_conflict_response();

// For handlers: throw the same answers.
[[noreturn]] void throw_detail(int status, std::string_view message);
[[noreturn]] void throw_exception_message(int status, std::string_view message);

// One step of a pydantic `loc`: a field name, or a list index / JSON
// position, which pydantic reports as a number.
using LocationPart = std::variant<std::string, size_t>;

// One pydantic-style entry of a 422's exception_detail.
struct ValidationIssue {
  std::string type;                    // "missing", "uuid_parsing", ...
  std::vector<LocationPart> location;  // {"query", "client"}, {"body", "tags", 1}
  std::string message;                 // "Field required"
  std::string input_json = "null";     // the offending input, as JSON
  std::string context_json = "";       // pydantic's "ctx" object, or empty for none
};

// {"exception_message": "Invalid request received.", "exception_detail": [...], "request_body": ...}
HttpResponse validation_error_response(const std::vector<ValidationIssue> &issues,
                                       const std::string &request_body_json = "null");
[[noreturn]] void throw_validation_error(const std::vector<ValidationIssue> &issues,
                                         const std::string &request_body_json = "null");

}  // namespace prefectd
