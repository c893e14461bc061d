// What a sqlite URL names: the filename handed to sqlite3_open_v2, its
// flags, and whether the data lives only in memory.
#pragma once

#include <prefectd/backend.h>

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
};

// Throws InvalidTarget for a URL that names no usable database.
SqliteTarget resolve_target(const pd_database_url &url);

}  // namespace prefectd::sqlite
