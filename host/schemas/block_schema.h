// BlockSchema: {id, created, updated, checksum, fields, block_type_id,
// block_type, capabilities, version}, and the checksum Prefect's clients
// and server both compute from `fields`.
#pragma once

#include "block_type.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace prefectd {

struct BlockSchema {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string checksum;
  std::string fields_json = "{}";  // with block_schema_references and definitions rebuilt
  Uuid block_type_id;
  std::optional<BlockType> block_type;
  std::string capabilities_json = "[]";
  std::string version = "non-versioned";
};

rapidjson::Value block_schema_json(const BlockSchema &block_schema, rapidjson::Document::AllocatorType &allocator);
std::string to_json(const BlockSchema &block_schema);

// "sha256:" + the hex SHA-256 of json.dumps(([fields'], {}), sort_keys=True),
// where fields' drops every `secret_fields` key and keeps only definitions
// that are not blocks (dropping `definitions` when none remain), as
// Block._calculate_schema_checksum does.
std::string block_schema_checksum(const rapidjson::Value &fields);

// The definitions reachable through "$ref"s anywhere in `object` that are
// not blocks (have no block_type_slug), transitively.
rapidjson::Value non_block_reference_definitions(const rapidjson::Value &object, const rapidjson::Value &definitions,
                                                 rapidjson::Document::AllocatorType &allocator);

// Every "$ref" string in `value`, depth first.
void collect_reference_strings(const rapidjson::Value &value, std::vector<std::string> &references);

}  // namespace prefectd
