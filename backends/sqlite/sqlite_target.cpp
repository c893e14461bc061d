#include "sqlite_target.h"

#include <string_view>

namespace prefectd::sqlite {
namespace {

// aiosqlite/SQLAlchemy options that configure the driver, not the database.
bool is_driver_option(std::string_view key) {
  return key == "uri" || key == "check_same_thread" || key == "timeout" || key == "isolation_level";
}

// The host hands over percent-decoded text; a file: URI is decoded again by
// SQLite, so the characters that URI syntax gives a meaning go back encoded.
std::string uri_encoded(std::string_view text, std::string_view reserved) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '%' || byte < 0x21 || byte == 0x7f || reserved.find(c) != std::string_view::npos) {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xf];
    } else {
      encoded += c;
    }
  }
  return encoded;
}

// The file a "file:" URI names: "file:path", "file:///path" or
// "file://localhost/path" (SQLite accepts no other authority).
std::string uri_path(std::string_view uri) {
  std::string_view rest = uri.substr(std::string_view("file:").size());
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    rest.remove_prefix(std::min(rest.find('/'), rest.size()));
  }
  return std::string(rest);
}

}  // namespace

SqliteTarget resolve_target(const pd_database_url &url) {
  if (url.host != nullptr && *url.host != '\0') {
    throw InvalidTarget("a sqlite URL has no host: write sqlite:///relative.db or sqlite:////absolute/path.db");
  }
  const std::string database = url.database != nullptr ? url.database : "";
  std::string query;
  bool memory_mode = false;
  for (size_t i = 0; i < url.option_count; ++i) {
    const std::string_view key = url.options[i].key != nullptr ? url.options[i].key : "";
    const std::string_view value = url.options[i].value != nullptr ? url.options[i].value : "";
    if (key == "mode" && value == "memory") memory_mode = true;
    if (is_driver_option(key)) continue;
    query += (query.empty() ? "?" : "&") + uri_encoded(key, "&=#?") + "=" + uri_encoded(value, "&#");
  }

  SqliteTarget target;
  // SQLAlchemy reads "sqlite://" with no path as an in-memory database.
  if (database.empty() || database == ":memory:") {
    if (!query.empty()) {
      throw InvalidTarget("sqlite URL options other than uri, check_same_thread and timeout need a file: URI path");
    }
    target.filename = ":memory:";
    target.in_memory = true;
    return target;
  }
  if (database.starts_with("file:")) {
    const std::string path = uri_path(database);
    target.uri = true;
    target.filename =
        "file:" + std::string(database.substr(5, database.size() - 5 - path.size())) + uri_encoded(path, "?#") + query;
    target.in_memory = memory_mode || path == ":memory:";
    if (!target.in_memory) {
      if (path.empty()) throw InvalidTarget("the sqlite file: URI " + database + " names no file");
      target.file = path;
    }
    return target;
  }
  if (!query.empty()) {
    throw InvalidTarget("sqlite URL options other than uri, check_same_thread and timeout need a file: URI path");
  }
  target.filename = database;
  target.file = database;
  return target;
}

void create_parent_directory(const SqliteTarget &target) {
  if (!target.file) return;
  const std::filesystem::path parent = target.file->parent_path();
  if (parent.empty()) return;
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (error) throw InvalidTarget("cannot create the directory " + parent.string() + ": " + error.message());
}

}  // namespace prefectd::sqlite
