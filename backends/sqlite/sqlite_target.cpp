#include "sqlite_target.h"

#include <filesystem>
#include <string_view>

namespace prefectd::sqlite {
namespace {

// aiosqlite/SQLAlchemy options that configure the driver, not the database.
bool is_driver_option(std::string_view key) {
  return key == "uri" || key == "check_same_thread" || key == "timeout" || key == "isolation_level";
}

}  // namespace

SqliteTarget resolve_target(const pd_database_url &url) {
  SqliteTarget target;
  std::string database = url.database != nullptr ? url.database : "";
  if (url.host != nullptr && *url.host != '\0') {
    throw InvalidTarget("a sqlite URL has no host: write sqlite:///relative.db or sqlite:////absolute/path.db");
  }
  std::string query;
  bool memory_mode = false;
  for (size_t i = 0; i < url.option_count; ++i) {
    std::string_view key = url.options[i].key;
    std::string_view value = url.options[i].value;
    if (key == "mode" && value == "memory") memory_mode = true;
    if (is_driver_option(key)) continue;
    query += (query.empty() ? "?" : "&") + std::string(key) + "=" + std::string(value);
  }
  if (database.empty() || database == ":memory:") {
    target.filename = ":memory:";
    target.in_memory = true;
    return target;
  }
  if (database.starts_with("file:")) {
    target.uri = true;
    target.filename = database + query;
    target.in_memory = memory_mode || database.starts_with("file::memory:");
    return target;
  }
  if (!query.empty()) {
    throw InvalidTarget("sqlite URL options other than uri, check_same_thread and timeout need a file: URI path");
  }
  target.filename = database;
  std::filesystem::path parent = std::filesystem::path(database).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) throw InvalidTarget("cannot create the directory " + parent.string() + ": " + error.message());
  }
  return target;
}

}  // namespace prefectd::sqlite
