// Reading members of a request body that the dispatcher has already
// validated against the contract: absent and null read alike as nullopt.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace prefectd {

// Null when `object` is not an object or lacks `key`.
const rapidjson::Value *member(const rapidjson::Value &object, const char *key);
// Also null when the member is JSON null.
const rapidjson::Value *non_null_member(const rapidjson::Value &object, const char *key);

std::optional<std::string> optional_string(const rapidjson::Value &object, const char *key);
std::optional<Uuid> optional_uuid(const rapidjson::Value &object, const char *key);
std::optional<Timestamp> optional_timestamp(const rapidjson::Value &object, const char *key);
std::optional<bool> optional_bool(const rapidjson::Value &object, const char *key);
std::optional<int64_t> optional_int(const rapidjson::Value &object, const char *key);
// The member as Python-json text (as JSON columns store it).
std::optional<std::string> optional_json(const rapidjson::Value &object, const char *key);

}  // namespace prefectd
