// The check Prefect's resume_flow_run makes of a paused run's run_input
// against the schema the pause stored (schema_tools.validate with
// raise_on_error): the schema preprocessed as Prefect does (optional
// properties without a default also accept null), then validated with
// RapidJSON's JSON Schema validator (draft 4 keywords; formats are not
// checked), the failure jsonschema's best_match would pick worded as
// jsonschema words it ("Validation failed for field 'x'. Failure reason: 5 is
// not of type 'string'"). Placeholders (__prefect_kind) are not hydrated.
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace prefectd {

// Nullopt when `input` satisfies `schema`; otherwise Prefect's message.
std::optional<std::string> run_input_violation(const rapidjson::Value &schema, const rapidjson::Value &input);

}  // namespace prefectd
