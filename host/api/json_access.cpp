#include "json_access.h"

#include "core/python_json.h"

namespace prefectd {

const rapidjson::Value *member(const rapidjson::Value &object, const char *key) {
  if (!object.IsObject()) return nullptr;
  auto found = object.FindMember(key);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

const rapidjson::Value *non_null_member(const rapidjson::Value &object, const char *key) {
  const rapidjson::Value *value = member(object, key);
  return value != nullptr && !value->IsNull() ? value : nullptr;
}

std::optional<std::string> optional_string(const rapidjson::Value &object, const char *key) {
  const rapidjson::Value *value = non_null_member(object, key);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<Uuid> optional_uuid(const rapidjson::Value &object, const char *key) {
  auto text = optional_string(object, key);
  return text ? Uuid::parse(*text) : std::nullopt;
}

std::optional<Timestamp> optional_timestamp(const rapidjson::Value &object, const char *key) {
  auto text = optional_string(object, key);
  return text ? Timestamp::parse(*text) : std::nullopt;
}

std::optional<bool> optional_bool(const rapidjson::Value &object, const char *key) {
  const rapidjson::Value *value = non_null_member(object, key);
  if (value == nullptr || !value->IsBool()) return std::nullopt;
  return value->GetBool();
}

std::optional<int64_t> optional_int(const rapidjson::Value &object, const char *key) {
  const rapidjson::Value *value = non_null_member(object, key);
  if (value == nullptr || !value->IsInt64()) return std::nullopt;
  return value->GetInt64();
}

std::optional<std::string> optional_json(const rapidjson::Value &object, const char *key) {
  const rapidjson::Value *value = non_null_member(object, key);
  if (value == nullptr) return std::nullopt;
  return to_python_json(*value);
}

}  // namespace prefectd
