// Flow: {id, created, updated, name, tags, labels}.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace prefectd {

struct Flow {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  std::string tags_json = "[]";
  std::optional<std::string> labels_json;  // NULL in the database reads as {}
};

std::string to_json(const Flow &flow);
// The same object, built in `allocator` (for lists and envelopes).
rapidjson::Value flow_json(const Flow &flow, rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
