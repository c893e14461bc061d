// Checks response bodies against Prefect's OpenAPI document
// (shared/prefect-openapi-v3.json) with RapidJSON's schema validator.
#pragma once

#include <string>

namespace prefectd::testing_support {

// Empty when `body` is valid for the response `status` of `method` on
// `path` (an OpenAPI path template without the /api mount, e.g.
// "/csrf-token"), else what is wrong.
std::string contract_violation(const std::string &method, const std::string &path, int status, const std::string &body);

// Empty when `body` is valid for components/schemas/<schema>.
std::string schema_violation(const std::string &schema, const std::string &body);

}  // namespace prefectd::testing_support
