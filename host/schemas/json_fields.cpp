#include "json_fields.h"

namespace prefectd {

JsonFields &JsonFields::add(const char *key, rapidjson::Value &value) {
  object_.AddMember(rapidjson::StringRef(key), value, allocator_);
  return *this;
}

JsonFields &JsonFields::string(const char *key, std::string_view value) {
  rapidjson::Value text(value.data(), static_cast<rapidjson::SizeType>(value.size()), allocator_);
  return add(key, text);
}

JsonFields &JsonFields::string(const char *key, const std::optional<std::string> &value) {
  return value ? string(key, std::string_view(*value)) : null(key);
}

JsonFields &JsonFields::uuid(const char *key, const Uuid &value) {
  return string(key, value.to_string());
}

JsonFields &JsonFields::uuid(const char *key, const std::optional<Uuid> &value) {
  return value ? uuid(key, *value) : null(key);
}

JsonFields &JsonFields::timestamp(const char *key, const Timestamp &value) {
  return string(key, value.to_iso8601());
}

JsonFields &JsonFields::timestamp(const char *key, const std::optional<Timestamp> &value) {
  return value ? timestamp(key, *value) : null(key);
}

JsonFields &JsonFields::integer(const char *key, int64_t value) {
  rapidjson::Value number(value);
  return add(key, number);
}

JsonFields &JsonFields::number(const char *key, double value) {
  rapidjson::Value number(value);
  return add(key, number);
}

JsonFields &JsonFields::boolean(const char *key, bool value) {
  rapidjson::Value flag(value);
  return add(key, flag);
}

JsonFields &JsonFields::null(const char *key) {
  rapidjson::Value nothing;
  return add(key, nothing);
}

JsonFields &JsonFields::stored_json(const char *key, const std::optional<std::string> &stored, const char *fallback) {
  rapidjson::Document parsed(&allocator_);
  const std::string &text = stored ? *stored : std::string(fallback);
  parsed.Parse(text.c_str(), text.size());
  rapidjson::Value copy;
  if (!parsed.HasParseError()) copy.CopyFrom(parsed, allocator_);
  return add(key, copy);
}

JsonFields &JsonFields::value(const char *key, rapidjson::Value &value) {
  return add(key, value);
}

}  // namespace prefectd
