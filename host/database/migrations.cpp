#include "migrations.h"

#include "database_error.h"
#include "database_interface.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace prefectd {
namespace {

std::vector<Migration> backend_migrations(DatabaseInterface &database) {
  std::vector<Migration> migrations;
  const pd_orm &orm = database.orm();
  for (size_t i = 0, count = orm.xMigrationCount(); i < count; ++i) {
    pd_migration migration{};
    migration.struct_size = sizeof migration;
    if (orm.xMigration(i, &migration) != PD_OK || migration.revision == nullptr || migration.up_sql == nullptr ||
        migration.down_sql == nullptr) {
      throw std::runtime_error("backend migration " + std::to_string(i) +
                               " is incomplete (missing revision, up or down SQL)");
    }
    migrations.push_back(
        {migration.revision, migration.name != nullptr ? migration.name : "", migration.up_sql, migration.down_sql});
  }
  return migrations;
}

}  // namespace

MigrationRunner::MigrationRunner(DatabaseInterface &database)
    : MigrationRunner(database, backend_migrations(database)) {}

MigrationRunner::MigrationRunner(DatabaseInterface &database, std::vector<Migration> migrations)
    : database_(database), migrations_(std::move(migrations)) {}

std::string MigrationRunner::head() const {
  return migrations_.empty() ? "base" : migrations_.back().revision;
}

void MigrationRunner::ensure_version_table() {
  Session session = database_.session();
  // Alembic's own definition, so Python Prefect can take the database over.
  session.execute(
      "CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
      "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))");
}

std::optional<std::string> MigrationRunner::current() {
  ensure_version_table();
  Session session = database_.session();
  Statement statement = session.prepare("SELECT version_num FROM alembic_version");
  std::optional<std::string> revision;
  if (statement.step()) revision = statement.text(0);
  if (statement.step())
    throw std::runtime_error("alembic_version holds more than one revision; branched histories are not supported");
  return revision;
}

long MigrationRunner::index_of(const std::optional<std::string> &revision) const {
  if (!revision || *revision == "base") return -1;
  for (size_t i = 0; i < migrations_.size(); ++i) {
    if (migrations_[i].revision == *revision) return static_cast<long>(i);
  }
  throw std::runtime_error("the database is at revision " + *revision +
                           ", which this prefectd does not know (was it migrated by a newer Prefect or prefectd?)");
}

void MigrationRunner::apply(const std::string &sql, const std::optional<std::string> &new_revision) {
  Session session = database_.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  session.execute(sql.c_str());
  session.prepare("DELETE FROM alembic_version").execute();
  if (new_revision) {
    session.prepare("INSERT INTO alembic_version (version_num) VALUES (" + database_.queries().placeholder(1) + ")")
        .bind(1, *new_revision)
        .execute();
  }
  transaction.commit();
}

int MigrationRunner::upgrade(const std::optional<std::string> &target) {
  long from = index_of(current());
  long to = target ? index_of(target) : static_cast<long>(migrations_.size()) - 1;
  int applied = 0;
  for (long i = from + 1; i <= to; ++i) {
    const Migration &migration = migrations_[static_cast<size_t>(i)];
    spdlog::info("applying migration {} ({})", migration.revision, migration.name);
    apply(migration.up_sql, migration.revision);
    ++applied;
  }
  return applied;
}

int MigrationRunner::downgrade(const std::optional<std::string> &target) {
  long from = index_of(current());
  long to = target ? index_of(target) : from - 1;
  int reverted = 0;
  for (long i = from; i > to && i >= 0; --i) {
    const Migration &migration = migrations_[static_cast<size_t>(i)];
    spdlog::info("reverting migration {} ({})", migration.revision, migration.name);
    std::optional<std::string> previous;
    if (i > 0) previous = migrations_[static_cast<size_t>(i - 1)].revision;
    apply(migration.down_sql, previous);
    ++reverted;
  }
  return reverted;
}

}  // namespace prefectd
