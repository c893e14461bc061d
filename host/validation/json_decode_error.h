// A body that is not JSON, reported as FastAPI does: one "json_invalid"
// issue at ["body", <character position>] with Python's json message.
#pragma once

#include "api/error_responses.h"

#include <rapidjson/error/error.h>

#include <string_view>

namespace prefectd {

ValidationIssue json_decode_issue(rapidjson::ParseErrorCode code, size_t byte_offset, std::string_view text);

}  // namespace prefectd
