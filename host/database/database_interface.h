// The host's single handle on the database, like Prefect's
// PrefectDBInterface: the three vtables of the loaded backend plus the
// opened database and its pool.
#pragma once

#include <prefectd/backend.h>

#include "database_url.h"
#include "plugin_loader.h"
#include "query_components.h"
#include "session.h"

#include <memory>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface {
 public:
  // Opens `url` through `backend`; throws DatabaseError when the backend
  // refuses it. Does not need the database server to be up.
  DatabaseInterface(std::shared_ptr<LoadedBackend> backend, const DatabaseUrl &url);
  DatabaseInterface(const DatabaseInterface &) = delete;
  DatabaseInterface &operator=(const DatabaseInterface &) = delete;
  ~DatabaseInterface();

  // Checks a connection out of the pool (waits up to the pool timeout).
  Session session();
  // Throws DatabaseError when the database cannot be reached.
  void ping();
  pd_pool_stats pool_stats();
  bool is_in_memory();
  // How many write transactions make progress at once: 1 for a database
  // with a single writer, 0 for no limit (or a plugin that does not say).
  int writer_limit();

  const QueryComponents &queries() const { return queries_; }
  const pd_configuration &configuration() const { return *backend_->descriptor().configuration; }
  const pd_orm &orm() const { return *backend_->descriptor().orm; }
  const pd_backend &backend() const { return backend_->descriptor(); }
  const std::string &redacted_url() const { return redacted_url_; }

  // The columns an upsert of `model` conflicts on; empty when none.
  std::vector<std::string> upsert_columns(const char *model) const;
  // The backend's canonical schema description; empty when not offered.
  std::string describe_schema(Session &session) const;

 private:
  std::shared_ptr<LoadedBackend> backend_;
  QueryComponents queries_;
  pd_database *database_ = nullptr;
  std::string redacted_url_;
};

}  // namespace prefectd
