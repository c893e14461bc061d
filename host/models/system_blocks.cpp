#include "system_blocks.h"

#include "api/json_access.h"
#include "block_schemas.h"
#include "block_types.h"
#include "core/python_json.h"

#include <rapidjson/document.h>

#include <stdexcept>
#include <string_view>

namespace prefectd {

std::string_view system_block_types_text();  // embedded at build time

void install_system_block_types(DatabaseInterface &database, Session &session) {
  const std::string_view text = system_block_types_text();
  rapidjson::Document blocks;
  blocks.Parse(text.data(), text.size());
  if (blocks.HasParseError() || !blocks.IsArray()) throw std::runtime_error("system_block_types.json is malformed");
  for (const auto &block : blocks.GetArray()) {
    const rapidjson::Value &type = block["block_type"];
    BlockTypeValues values;
    values.name = type["name"].GetString();
    values.slug = type["slug"].GetString();
    values.logo_url = optional_string(type, "logo_url");
    values.documentation_url = optional_string(type, "documentation_url");
    values.description = optional_string(type, "description");
    values.code_example = optional_string(type, "code_example");
    values.is_protected = true;
    const BlockType stored = upsert_block_type(database, session, values);

    const rapidjson::Value &schema = block["block_schema"];
    BlockSchemaValues schema_values{schema["fields"], stored.id};
    schema_values.capabilities_json = optional_json(schema, "capabilities").value_or("[]");
    schema_values.version = optional_string(schema, "version").value_or("non-versioned");
    create_block_schema(database, session, schema_values, true);
  }
}

}  // namespace prefectd
