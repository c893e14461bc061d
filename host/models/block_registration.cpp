#include "block_registration.h"

#include "api/json_access.h"
#include "block_schemas.h"
#include "block_types.h"
#include "database/database_interface.h"
#include "database/session.h"
#include "version.h"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string_view>

namespace prefectd {

std::string_view registered_block_types_text();  // embedded at build time

namespace {

const rapidjson::Document &registered_blocks() {
  static const rapidjson::Document blocks = [] {
    const std::string_view text = registered_block_types_text();
    rapidjson::Document parsed;
    parsed.Parse(text.data(), text.size());
    if (parsed.HasParseError() || !parsed.IsArray())
      throw std::runtime_error("registered_block_types.json is malformed");
    return parsed;
  }();
  return blocks;
}

bool is_protected(const rapidjson::Value &block) {
  auto flag = block.FindMember("protected");
  return flag != block.MemberEnd() && flag->value.IsBool() && flag->value.GetBool();
}

BlockTypeValues block_type_values(const rapidjson::Value &block) {
  const rapidjson::Value &type = block["block_type"];
  BlockTypeValues values;
  values.name = type["name"].GetString();
  values.slug = type["slug"].GetString();
  values.logo_url = optional_string(type, "logo_url");
  values.documentation_url = optional_string(type, "documentation_url");
  values.description = optional_string(type, "description");
  values.code_example = optional_string(type, "code_example");
  return values;
}

// Prefect stamps a package block's schema with the version of the package
// that defines it: the Prefect release prefectd answers as.
BlockSchemaValues block_schema_values(const rapidjson::Value &block, const Uuid &block_type_id) {
  const rapidjson::Value &schema = block["block_schema"];
  BlockSchemaValues values{schema["fields"], block_type_id};
  values.capabilities_json = optional_json(schema, "capabilities").value_or("[]");
  values.version = kPrefectCompatibleVersion;
  return values;
}

void install_protected(DatabaseInterface &database, Session &session, const rapidjson::Value &block) {
  BlockTypeValues values = block_type_values(block);
  values.is_protected = true;
  const BlockType stored = upsert_block_type(database, session, values);
  create_block_schema(database, session, block_schema_values(block, stored.id), true);
}

// register_block_type: an existing type (by slug) gets the four updatable
// fields; its name and protection stay.
Uuid register_block_type(DatabaseInterface &database, Session &session, const BlockTypeValues &values) {
  if (auto existing = read_block_type_by_slug(database, session, values.slug)) {
    rapidjson::Document update(rapidjson::kObjectType);
    auto &allocator = update.GetAllocator();
    auto set = [&](const char *key, const std::optional<std::string> &value) {
      rapidjson::Value member;
      if (value) member.SetString(value->c_str(), static_cast<rapidjson::SizeType>(value->size()), allocator);
      update.AddMember(rapidjson::StringRef(key), member, allocator);
    };
    set("logo_url", values.logo_url);
    set("documentation_url", values.documentation_url);
    set("description", values.description);
    set("code_example", values.code_example);
    update_block_type(database, session, existing->id, update);
    return existing->id;
  }
  auto created = create_block_type(database, session, values);
  if (!created) throw std::runtime_error("block type " + values.slug + " could not be created");
  return created->id;
}

// Runs `work` in its own write transaction, logging instead of throwing.
template <typename Work>
void in_own_transaction(DatabaseInterface &database, const std::string &slug, Work work) {
  try {
    Session session = database.session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    work(session);
    transaction.commit();
  } catch (const std::exception &error) {
    spdlog::error("Failed to register block schema for block type {}: {}", slug, error.what());
  }
}

}  // namespace

void install_system_block_types(DatabaseInterface &database, Session &session) {
  for (const auto &block : registered_blocks().GetArray())
    if (is_protected(block)) install_protected(database, session, block);
}

void run_block_auto_registration(DatabaseInterface &database) {
  const auto &blocks = registered_blocks().GetArray();
  for (const auto &block : blocks) {
    if (!is_protected(block)) continue;
    in_own_transaction(database, block["block_type"]["slug"].GetString(),
                       [&](Session &session) { install_protected(database, session, block); });
  }
  // Prefect's registry holds the system blocks too: they pass through
  // register_block_type again, which leaves them as just installed.
  for (const auto &block : blocks) {
    const BlockTypeValues values = block_type_values(block);
    in_own_transaction(database, values.slug, [&](Session &session) {
      const Uuid block_type_id = register_block_type(database, session, values);
      const BlockSchemaValues schema = block_schema_values(block, block_type_id);
      create_block_schema(database, session, schema);  // returns the existing (checksum, version) row
    });
  }
  spdlog::info("registered {} block types", blocks.Size());
}

}  // namespace prefectd
