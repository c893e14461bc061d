// libpq connection parameters built from the host's parsed database URL and
// the PREFECT_SERVER_DATABASE_* settings. Parameters go to PQconnectdbParams
// as keyword/value arrays, so the password never appears in a conninfo
// string that could end up in a log.
#pragma once

#include <prefectd/backend.h>

#include <string>
#include <utility>
#include <vector>

namespace prefectd::postgres {

class ConnectionParameters {
 public:
  // Validates `url` and reads the settings. PD_INVALID names the first URL
  // option that is neither a libpq keyword nor a known driver option.
  static pd_status from_url(const pd_database_url &url, ConnectionParameters &out, pd_error *error);

  // The same server and credentials, another database (CREATE/DROP DATABASE
  // run from the `postgres` maintenance database).
  ConnectionParameters with_database(const std::string &database) const;

  // NULL-terminated arrays for PQconnectdbParams; valid while *this lives
  // unchanged.
  std::vector<const char *> keywords() const;
  std::vector<const char *> values() const;

  // "host:port/database" for messages; never contains the password.
  const std::string &target() const { return target_; }
  // The database name the parameters connect to.
  std::string database() const;
  int connect_timeout_seconds() const { return connect_timeout_seconds_; }

 private:
  void set(const std::string &keyword, std::string value);
  const std::string *find(const std::string &keyword) const;
  void describe_target();

  std::vector<std::pair<std::string, std::string>> parameters_;
  std::string target_;
  int connect_timeout_seconds_ = 5;
};

}  // namespace prefectd::postgres
