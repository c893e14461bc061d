// BlockType: {id, created, updated, name, slug, logo_url, documentation_url,
// description, code_example, is_protected}.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace prefectd {

struct BlockType {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  std::string slug;
  std::optional<std::string> logo_url;
  std::optional<std::string> documentation_url;
  std::optional<std::string> description;
  std::optional<std::string> code_example;
  bool is_protected = false;
};

rapidjson::Value block_type_json(const BlockType &block_type, rapidjson::Document::AllocatorType &allocator);
std::string to_json(const BlockType &block_type);

}  // namespace prefectd
