#include "block_encryption.h"

#include "core/python_json.h"
#include "database/database_interface.h"

#include <rapidjson/document.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

namespace prefectd {
namespace {

constexpr const char *kConfigurationKey = "ENCRYPTION_KEY";

// Keys read back from a database, per database: the key never changes once
// stored, and reading it on every block read would double their queries.
// Generated keys are not cached until read back, so a rolled-back
// transaction cannot leave a key the database does not have.
std::mutex cache_mutex;
std::map<const DatabaseInterface *, std::string> cached_keys;

std::optional<std::string> environment_key() {
  for (const char *name : {"PREFECT_SERVER_ENCRYPTION_KEY", "ORION_ENCRYPTION_KEY"}) {
    const char *value = std::getenv(name);
    if (value && *value) return std::string(value);
  }
  return std::nullopt;
}

std::optional<std::string> stored_key(DatabaseInterface &database, Session &session) {
  Statement read = session.prepare("SELECT value FROM configuration WHERE key = " + database.queries().placeholder(1));
  read.bind(1, kConfigurationKey);
  if (!read.step()) return std::nullopt;
  rapidjson::Document value;
  value.Parse(read.json(0).value_or("{}").c_str());
  if (value.HasParseError() || !value.IsObject()) return std::nullopt;
  auto key = value.FindMember("fernet_key");
  if (key == value.MemberEnd() || !key->value.IsString()) return std::nullopt;
  return std::string(key->value.GetString());
}

void store_key(DatabaseInterface &database, Session &session, const std::string &key) {
  const QueryComponents &q = database.queries();
  rapidjson::Document value(rapidjson::kObjectType);
  value.AddMember("fernet_key", rapidjson::Value(key.c_str(), value.GetAllocator()), value.GetAllocator());
  const Timestamp now = Timestamp::now();
  session
      .prepare("INSERT INTO configuration (id, created, updated, key, value) VALUES (" + q.placeholder_list(1, 5) + ")")
      .bind(1, Uuid::v4())
      .bind(2, now)
      .bind(3, now)
      .bind(4, kConfigurationKey)
      .bind_json(5, to_python_json(value))
      .execute();
}

}  // namespace

Fernet block_data_cipher(DatabaseInterface &database, Session &session, bool may_create) {
  if (auto key = environment_key()) return Fernet(*key);
  {
    std::lock_guard lock(cache_mutex);
    if (auto cached = cached_keys.find(&database); cached != cached_keys.end()) return Fernet(cached->second);
  }
  if (auto key = stored_key(database, session)) {
    std::lock_guard lock(cache_mutex);
    cached_keys[&database] = *key;
    return Fernet(*key);
  }
  if (!may_create) throw std::runtime_error("the database has no block encryption key");
  const std::string key = Fernet::generate_key();
  store_key(database, session, key);
  return Fernet(key);
}

}  // namespace prefectd
