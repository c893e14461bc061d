// What a sqlite URL names: the filename handed to sqlite3_open_v2, its
// flags, whether the data lives only in memory, and the file on disk.
#pragma once

#include <prefectd/backend.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace prefectd::sqlite {

class InvalidTarget : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SqliteTarget {
  std::string filename;  // a path, ":memory:" or a "file:" URI
  bool uri = false;      // open with SQLITE_OPEN_URI
  bool in_memory = false;
  // The database file, for creating its directory and dropping it; empty
  // for in-memory databases.
  std::optional<std::filesystem::path> file;
};

// Throws InvalidTarget for a URL that names no usable database. Pure: it
// touches no file.
SqliteTarget resolve_target(const pd_database_url &url);

// Creates the directory the database file goes into, as Prefect does for
// its default ~/.prefect/prefect.db. Throws InvalidTarget when it cannot.
void create_parent_directory(const SqliteTarget &target);

}  // namespace prefectd::sqlite
