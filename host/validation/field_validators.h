// Prefect's pydantic field validators that the OpenAPI document cannot
// express (objects.md, "Name validators", §9, §10), for handlers to run on
// a body that has passed the contract. A failure is pydantic's value_error:
//   {"type": "value_error", "loc": ["body", "name"], "msg": "Value error, <message>",
//    "input": <value>, "ctx": {"error": {}}}
#pragma once

#include "api/error_responses.h"
#include "api/http_types.h"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace prefectd {

// VariableName: `^[a-z0-9-_]*$` (checked when the member is a string).
void check_variable_name(const rapidjson::Value &body, std::vector<ValidationIssue> &issues);
// A variable value other than null serializes (compact, UTF-8) to at most 5000 bytes.
void check_variable_value(const rapidjson::Value &body, std::vector<ValidationIssue> &issues);
// ArtifactKey: `^[a-z0-9-]*$` (checked when the member is a string).
void check_artifact_key(const rapidjson::Value &body, std::vector<ValidationIssue> &issues);
// A work pool's base_job_template (when sent and not null) is {} or has a
// job_configuration and variables, and every {{ placeholder }} in the
// configuration is a property of the variables schema.
void check_base_job_template(const rapidjson::Value &body, std::vector<ValidationIssue> &issues);

// Throws the 422 for `issues`, echoing the request's body, unless there are none.
void throw_if_invalid(const std::vector<ValidationIssue> &issues, const HttpRequest &request);

// Artifact metadata_: each value longer than 500 characters (code points)
// is cut to 500 and "..." appended.
void truncate_artifact_metadata(rapidjson::Value &metadata, rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
