// SQLAlchemy-style database URLs: scheme[+driver]://[user[:password]@]host[:port]/database[?k=v&...]
#pragma once

#include <prefectd/backend.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prefectd {

class DatabaseUrlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DatabaseUrl {
  std::string scheme;                 // "sqlite", "postgresql"
  std::optional<std::string> driver;  // "aiosqlite", "asyncpg"
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> host;
  int port = 0;  // 0: not given
  std::optional<std::string> database;
  std::vector<std::pair<std::string, std::string>> options;

  // Parses and percent-decodes; throws DatabaseUrlError saying what is wrong
  // without echoing the password.
  static DatabaseUrl parse(std::string_view text);

  // The URL with the password replaced by "***": the only form that is logged.
  std::string redacted() const;
};

// A pd_database_url view of a DatabaseUrl for handing to a plugin. It owns
// the storage the view points into, so keep it alive during the call.
class AbiDatabaseUrl {
 public:
  explicit AbiDatabaseUrl(const DatabaseUrl &url);
  AbiDatabaseUrl(const AbiDatabaseUrl &) = delete;
  AbiDatabaseUrl &operator=(const AbiDatabaseUrl &) = delete;
  const pd_database_url *get() const { return &view_; }

 private:
  DatabaseUrl url_;
  std::string redacted_;
  std::vector<pd_url_option> options_;
  pd_database_url view_{};
};

}  // namespace prefectd
