// Request validators for routes of Prefect's own contract (the embedded
// OpenAPI document), sharing one compiled schema set.
#pragma once

#include "request_validator.h"

#include <memory>
#include <string_view>

namespace prefectd {

// The validator for `method` on `router_pattern` ("/flows/{id:uuid}");
// throws std::logic_error when the contract documents no such operation.
std::shared_ptr<const RequestValidator> prefect_request_validator(std::string_view method,
                                                                  std::string_view router_pattern,
                                                                  RequestValidator::BodyDefaults defaults);

}  // namespace prefectd
