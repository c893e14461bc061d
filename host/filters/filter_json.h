// Reading a filter body shaped like Prefect's OpenAPI filter schemas. The
// dispatcher validates shapes; these readers still never fail: an absent or
// null member, or one of an unexpected type, reads as "no value", which the
// compilers take as "no condition" (Prefect's None).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prefectd::filter_json {

// `object[key]` when `object` is a JSON object holding `key` with a non-null value.
const rapidjson::Value *member(const rapidjson::Value *object, const char *key);
// True when `key` is present, null included (for members whose default is not None).
bool has(const rapidjson::Value *object, const char *key);

std::optional<std::string> string(const rapidjson::Value *object, const char *key);
std::optional<bool> boolean(const rapidjson::Value *object, const char *key);
std::optional<int64_t> integer(const rapidjson::Value *object, const char *key);
std::optional<Timestamp> timestamp(const rapidjson::Value *object, const char *key);
// Lists: elements of the wrong type (or UUIDs that do not parse) are left
// out, so they match nothing rather than everything.
std::optional<std::vector<std::string>> strings(const rapidjson::Value *object, const char *key);
std::optional<std::vector<Uuid>> uuids(const rapidjson::Value *object, const char *key);

// The `operator` of an Operator filter: true for "or_", false otherwise (and_ is the default).
bool is_or(const rapidjson::Value *object);

}  // namespace prefectd::filter_json
