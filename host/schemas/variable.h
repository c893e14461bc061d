// Variable: {id, created, updated, name, value (any JSON), tags} (objects.md §9).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace prefectd {

struct Variable {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  std::optional<std::string> value_json;  // SQL NULL (a JSON null value) reads as null
  std::string tags_json = "[]";
};

void write_variable(const Variable &variable, rapidjson::Value &out, rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
