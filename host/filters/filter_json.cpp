#include "filter_json.h"

namespace prefectd::filter_json {

const rapidjson::Value *member(const rapidjson::Value *object, const char *key) {
  if (object == nullptr || !object->IsObject()) return nullptr;
  auto found = object->FindMember(key);
  if (found == object->MemberEnd() || found->value.IsNull()) return nullptr;
  return &found->value;
}

bool has(const rapidjson::Value *object, const char *key) {
  return object != nullptr && object->IsObject() && object->HasMember(key);
}

std::optional<std::string> string(const rapidjson::Value *object, const char *key) {
  const rapidjson::Value *value = member(object, key);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<bool> boolean(const rapidjson::Value *object, const char *key) {
  const rapidjson::Value *value = member(object, key);
  if (value == nullptr || !value->IsBool()) return std::nullopt;
  return value->GetBool();
}

std::optional<int64_t> integer(const rapidjson::Value *object, const char *key) {
  const rapidjson::Value *value = member(object, key);
  if (value == nullptr || !value->IsInt64()) return std::nullopt;
  return value->GetInt64();
}

std::optional<Timestamp> timestamp(const rapidjson::Value *object, const char *key) {
  auto text = string(object, key);
  if (!text) return std::nullopt;
  return Timestamp::parse(*text);
}

std::optional<std::vector<std::string>> strings(const rapidjson::Value *object, const char *key) {
  const rapidjson::Value *value = member(object, key);
  if (value == nullptr || !value->IsArray()) return std::nullopt;
  std::vector<std::string> items;
  for (const auto &item : value->GetArray()) {
    if (item.IsString()) items.emplace_back(item.GetString(), item.GetStringLength());
  }
  return items;
}

std::optional<std::vector<Uuid>> uuids(const rapidjson::Value *object, const char *key) {
  auto texts = strings(object, key);
  if (!texts) return std::nullopt;
  std::vector<Uuid> items;
  for (const auto &text : *texts) {
    if (auto uuid = Uuid::parse(text)) items.push_back(*uuid);
  }
  return items;
}

bool is_or(const rapidjson::Value *object) {
  return string(object, "operator") == "or_";
}

}  // namespace prefectd::filter_json
