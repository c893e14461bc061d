#include "storage_defaults.h"

#include "core/python_json.h"
#include "core/timestamp.h"
#include "database/database_interface.h"

#include <rapidjson/document.h>

#include <string>

namespace prefectd {
namespace {

constexpr const char *kConfigurationKey = "server-default-result-storage";
constexpr const char *kBlockIdMember = "default_result_storage_block_id";

}  // namespace

std::optional<Uuid> read_default_result_storage(DatabaseInterface &database, Session &session) {
  Statement read = session.prepare("SELECT value FROM configuration WHERE key = " + database.queries().placeholder(1));
  read.bind(1, kConfigurationKey);
  if (!read.step()) return std::nullopt;
  const std::string value = read.json(0).value_or("{}");
  rapidjson::Document stored;
  stored.Parse(value.c_str(), value.size());
  if (stored.HasParseError() || !stored.IsObject()) return std::nullopt;
  auto member = stored.FindMember(kBlockIdMember);
  if (member == stored.MemberEnd() || !member->value.IsString()) return std::nullopt;
  return Uuid::parse(member->value.GetString());
}

StorageBlockCheck check_result_storage_block(DatabaseInterface &database, Session &session, const Uuid &block_id) {
  Statement read = session.prepare(
      "SELECT block_schema.capabilities FROM block_document LEFT JOIN block_schema ON block_schema.id = "
      "block_document.block_schema_id WHERE block_document.id = " +
      database.queries().placeholder(1));
  read.bind(1, block_id);
  if (!read.step()) return StorageBlockCheck::Missing;
  const std::string capabilities = read.json(0).value_or("[]");
  rapidjson::Document parsed;
  parsed.Parse(capabilities.c_str(), capabilities.size());
  if (!parsed.HasParseError() && parsed.IsArray()) {
    for (const auto &capability : parsed.GetArray()) {
      if (capability.IsString() && std::string(capability.GetString()) == "write-path") {
        return StorageBlockCheck::Usable;
      }
    }
  }
  return StorageBlockCheck::NotStorage;
}

void write_default_result_storage(DatabaseInterface &database, Session &session, const Uuid &block_id) {
  rapidjson::Document value(rapidjson::kObjectType);
  value.AddMember(rapidjson::StringRef(kBlockIdMember),
                  rapidjson::Value(block_id.to_string().c_str(), value.GetAllocator()), value.GetAllocator());
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  Statement upsert = session.prepare("INSERT INTO configuration (id, created, updated, key, value) VALUES (" +
                                     q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " +
                                     q.placeholder_list(3, 2) + ")" + q.upsert_clause({"key"}, {"value", "updated"}));
  upsert.bind(1, Uuid::v4()).bind(2, now).bind(3, kConfigurationKey).bind_json(4, to_python_json(value));
  upsert.execute();
}

void clear_default_result_storage(DatabaseInterface &database, Session &session) {
  session.prepare("DELETE FROM configuration WHERE key = " + database.queries().placeholder(1))
      .bind(1, kConfigurationKey)
      .execute();
}

}  // namespace prefectd
