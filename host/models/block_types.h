// The block_type table: create, read by id or slug, update, delete, filter,
// and the upsert by slug that system block registration uses.
#pragma once

#include "filters/filtered_query.h"
#include "schemas/block_type.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct BlockTypeValues {
  std::string name;
  std::string slug;
  std::optional<std::string> logo_url;
  std::optional<std::string> documentation_url;
  std::optional<std::string> description;
  std::optional<std::string> code_example;
  bool is_protected = false;
};

// Nullopt when the slug is taken.
std::optional<BlockType> create_block_type(DatabaseInterface &database, Session &session,
                                           const BlockTypeValues &values);
// Inserts or, when the slug exists, overwrites every field (registration).
BlockType upsert_block_type(DatabaseInterface &database, Session &session, const BlockTypeValues &values);
std::optional<BlockType> read_block_type(DatabaseInterface &database, Session &session, const Uuid &id);
std::optional<BlockType> read_block_type_by_slug(DatabaseInterface &database, Session &session,
                                                 const std::string &slug);
// Sets the BlockTypeUpdate members present in `update` (logo_url,
// documentation_url, description, code_example).
void update_block_type(DatabaseInterface &database, Session &session, const Uuid &id, const rapidjson::Value &update);
bool delete_block_type(DatabaseInterface &database, Session &session, const Uuid &id);

// Block types matching a BlockTypeFilter and a BlockSchemaFilter (either
// may be null: no condition), ordered by name.
std::vector<BlockType> read_block_types(DatabaseInterface &database, Session &session,
                                        const rapidjson::Value *block_type_filter,
                                        const rapidjson::Value *block_schema_filter, const Page &page);

// The columns block_type_row() reads, for queries joining block_type as `alias`.
std::string block_type_columns(const std::string &alias);
class Statement;
// The block type in columns first..first+9 of a statement selecting block_type_columns().
BlockType block_type_row(const Statement &statement, int first);

}  // namespace prefectd
