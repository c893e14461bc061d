// BlockDocument: {id, created, updated, name, data, block_schema_id,
// block_schema, block_type_id, block_type_name, block_type,
// block_document_references, is_anonymous}; and the masking of secret
// fields Prefect applies to `data` unless secrets are asked for.
#pragma once

#include "block_schema.h"
#include "block_type.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

// What Prefect's obfuscate() makes of any secret value.
inline constexpr std::string_view kObfuscatedSecret = "********";

struct BlockDocument {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  rapidjson::Document data{rapidjson::kObjectType};  // references expanded in place
  Uuid block_schema_id;
  std::optional<BlockSchema> block_schema;
  Uuid block_type_id;
  std::optional<std::string> block_type_name;
  BlockType block_type;
  // {field: {"block_document": {id, name, block_type, is_anonymous, block_document_references}}}
  rapidjson::Document references{rapidjson::kObjectType};
  bool is_anonymous = false;
};

rapidjson::Value block_document_json(const BlockDocument &document, rapidjson::Document::AllocatorType &allocator);
std::string to_json(const BlockDocument &document);

// Replaces, in `data`, each value a `secret_fields` entry names (dotted
// paths through nested objects; "*" matches everything below its prefix)
// with "********", as BlockDocument.from_orm_model does: paths are those of
// Prefect's dict_to_flatdict, so a non-empty object is never a leaf.
void obfuscate_secret_fields(rapidjson::Value &data, const rapidjson::Value &secret_fields,
                             rapidjson::Document::AllocatorType &allocator);

// Where `update` (a BlockDocumentUpdate's data) repeats the obfuscated form
// of a current secret, puts the current value back, so posting a read
// document back does not overwrite its secrets with asterisks.
void restore_obfuscated_secrets(rapidjson::Value &update, const rapidjson::Value &current,
                                const rapidjson::Value &secret_fields, rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
