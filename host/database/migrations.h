// Applies and reverts the backend's migrations, tracking the revision in
// Alembic's own table so that Python Prefect and prefectd agree on it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;

struct Migration {
  std::string revision;
  std::string name;
  std::string up_sql;
  std::string down_sql;
};

class MigrationRunner {
 public:
  // Uses the backend's own migration list.
  explicit MigrationRunner(DatabaseInterface &database);
  // Uses `migrations` instead (tests add a deliberately broken one).
  MigrationRunner(DatabaseInterface &database, std::vector<Migration> migrations);

  const std::vector<Migration> &migrations() const { return migrations_; }
  // The revision recorded in alembic_version; nullopt at base.
  std::optional<std::string> current();
  std::string head() const;

  // Each migration runs in its own write transaction together with the
  // version update, so a failure leaves the previous revision in place.
  // Returns how many migrations ran. Throws on failure or unknown revision.
  int upgrade(const std::optional<std::string> &target = std::nullopt);
  // Reverts the migrations above `target`, which stays applied; "base"
  // reverts everything. Without a target: one step.
  int downgrade(const std::optional<std::string> &target = std::nullopt);

 private:
  void ensure_version_table();
  // Index of `revision` in migrations_, or -1 for base.
  long index_of(const std::optional<std::string> &revision) const;
  void apply(const std::string &sql, const std::optional<std::string> &new_revision);

  DatabaseInterface &database_;
  std::vector<Migration> migrations_;
};

}  // namespace prefectd
