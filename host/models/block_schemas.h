// The block_schema table: create (idempotent by checksum and version,
// registering the nested block schemas a schema references), read with
// `block_schema_references` and block `definitions` rebuilt from the
// block_schema_reference rows, filter, delete, and the capabilities in use.
#pragma once

#include "filters/filtered_query.h"
#include "schemas/block_schema.h"

#include <rapidjson/document.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

// A nested schema names a block type slug nobody registered (Prefect: 409).
class MissingBlockType : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BlockSchemaValues {
  const rapidjson::Value &fields;
  Uuid block_type_id;
  std::string capabilities_json = "[]";
  std::string version = "non-versioned";
};

struct CreatedBlockSchema {
  BlockSchema block_schema;
  bool inserted;  // false: that (checksum, version) existed and is returned
};

// `override` (registration) overwrites an existing (checksum, version) row
// instead of returning it. Throws MissingBlockType.
CreatedBlockSchema create_block_schema(DatabaseInterface &database, Session &session, const BlockSchemaValues &values,
                                       bool override = false);
std::optional<BlockSchema> read_block_schema(DatabaseInterface &database, Session &session, const Uuid &id);
// The most recently created schema with that checksum (and version, when given).
std::optional<BlockSchema> read_block_schema_by_checksum(DatabaseInterface &database, Session &session,
                                                         const std::string &checksum,
                                                         const std::optional<std::string> &version);
// Newest first.
std::vector<BlockSchema> read_block_schemas(DatabaseInterface &database, Session &session,
                                            const rapidjson::Value *block_schema_filter, const Page &page);
bool delete_block_schema(DatabaseInterface &database, Session &session, const Uuid &id);
// Every capability some schema declares, sorted, once each.
std::vector<std::string> read_block_capabilities(DatabaseInterface &database, Session &session);

}  // namespace prefectd
