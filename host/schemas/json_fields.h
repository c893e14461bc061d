// Building response objects member by member in Prefect's formats: UUIDs
// lowercase, timestamps ISO 8601 with Z, durations as float seconds, stored
// JSON columns re-parsed, absent optionals as null.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

class JsonFields {
 public:
  JsonFields(rapidjson::Value &object, rapidjson::Document::AllocatorType &allocator)
      : object_(object), allocator_(allocator) {
    if (!object_.IsObject()) object_.SetObject();
  }

  JsonFields &string(const char *key, std::string_view value);
  JsonFields &string(const char *key, const std::string &value) { return string(key, std::string_view(value)); }
  JsonFields &string(const char *key, const char *value) { return string(key, std::string_view(value)); }
  JsonFields &string(const char *key, const std::optional<std::string> &value);
  JsonFields &uuid(const char *key, const Uuid &value);
  JsonFields &uuid(const char *key, const std::optional<Uuid> &value);
  JsonFields &timestamp(const char *key, const Timestamp &value);
  JsonFields &timestamp(const char *key, const std::optional<Timestamp> &value);
  JsonFields &integer(const char *key, int64_t value);
  JsonFields &number(const char *key, double value);
  JsonFields &seconds(const char *key, int64_t micros) { return number(key, static_cast<double>(micros) / 1e6); }
  JsonFields &boolean(const char *key, bool value);
  JsonFields &null(const char *key);
  // A JSON column's text; `fallback` when the column was NULL.
  JsonFields &stored_json(const char *key, const std::optional<std::string> &stored, const char *fallback = "null");
  // Takes `value` (moved in).
  JsonFields &value(const char *key, rapidjson::Value &value);

  rapidjson::Document::AllocatorType &allocator() { return allocator_; }

 private:
  JsonFields &add(const char *key, rapidjson::Value &value);

  rapidjson::Value &object_;
  rapidjson::Document::AllocatorType &allocator_;
};

}  // namespace prefectd
