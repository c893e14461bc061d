// Migrations on every backend: upgrade, downgrade to base, upgrade again to
// the same schema; a failing migration leaves the revision where it was.
#include "database/migrations.h"
#include "database/database_error.h"
#include "support/backends.h"

#include <gtest/gtest.h>

namespace prefectd {
namespace {

class Migrations : public testing_support::BackendTest {
 protected:
  std::string schema() {
    Session session = database_->session();
    return database_->describe_schema(session);
  }
};

TEST_P(Migrations, FirstRevisionIsPrefectsOwnHead) {
  MigrationRunner runner(*database_);
  ASSERT_FALSE(runner.migrations().empty());
  // Python Prefect 3.8 and prefectd must recognise each other's databases.
  EXPECT_EQ(runner.migrations().front().revision, GetParam() == "sqlite" ? "f416ea180ae1" : "9e9dadc36797");
}

TEST_P(Migrations, UpgradeDowngradeUpgradeGivesTheSameSchema) {
  MigrationRunner runner(*database_);
  EXPECT_EQ(runner.current(), std::nullopt);
  EXPECT_EQ(runner.upgrade(), static_cast<int>(runner.migrations().size()));
  EXPECT_EQ(runner.current(), runner.head());
  const std::string first = schema();
  for (const char *table : {"flow", "flow_run", "task_run", "flow_run_state", "log", "deployment", "work_pool",
                            "block_document", "events", "automation", "csrf_token", "variable"}) {
    EXPECT_NE(first.find(table), std::string::npos) << table << " missing from the schema";
  }

  EXPECT_EQ(runner.downgrade(std::string("base")), static_cast<int>(runner.migrations().size()));
  EXPECT_EQ(runner.current(), std::nullopt);
  const std::string empty = schema();
  EXPECT_EQ(empty.find("flow_run"), std::string::npos) << "downgrade to base left tables behind";

  runner.upgrade();
  EXPECT_EQ(schema(), first);
  EXPECT_EQ(runner.upgrade(), 0) << "a second upgrade must be a no-op";
}

TEST_P(Migrations, UpgradeIsIdempotentAcrossRunners) {
  MigrationRunner(*database_).upgrade();
  MigrationRunner again(*database_);
  EXPECT_EQ(again.upgrade(), 0);
  EXPECT_EQ(again.current(), again.head());
}

TEST_P(Migrations, FailingMigrationLeavesThePreviousRevision) {
  MigrationRunner real(*database_);
  std::vector<Migration> migrations = real.migrations();
  migrations.push_back(
      {"deadbeef0001", "adds a table", "CREATE TABLE migration_probe (id INTEGER)", "DROP TABLE migration_probe"});
  migrations.push_back({"deadbeef0002", "broken on purpose", "CREATE TABLE half_done (id INTEGER); THIS IS NOT SQL;",
                        "DROP TABLE half_done"});
  MigrationRunner runner(*database_, migrations);
  EXPECT_THROW(runner.upgrade(), DatabaseError);
  EXPECT_EQ(runner.current(), "deadbeef0001");
  // The broken migration's first statement was rolled back with it.
  EXPECT_EQ(schema().find("half_done"), std::string::npos);
  EXPECT_NE(schema().find("migration_probe"), std::string::npos);
}

TEST_P(Migrations, UnknownRevisionIsRefused) {
  MigrationRunner runner(*database_);
  runner.upgrade();
  {
    Session session = database_->session();
    session.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'");
  }
  try {
    runner.upgrade();
    FAIL() << "upgrade from an unknown revision was accepted";
  } catch (const std::runtime_error &error) {
    EXPECT_NE(std::string(error.what()).find("ffffffffffff"), std::string::npos);
  }
}

TEST_P(Migrations, DowngradeWithoutTargetRevertsOneStep) {
  MigrationRunner real(*database_);
  std::vector<Migration> migrations = real.migrations();
  migrations.push_back({"deadbeef0003", "probe", "CREATE TABLE probe_two (id INTEGER)", "DROP TABLE probe_two"});
  MigrationRunner runner(*database_, migrations);
  runner.upgrade();
  EXPECT_EQ(runner.downgrade(), 1);
  EXPECT_EQ(runner.current(), real.head());
}

TEST_P(Migrations, WorkerPollTemplatesRunOnTheMigratedSchema) {
  MigrationRunner(*database_).upgrade();
  Session session = database_->session();
  Statement pools = session.prepare(database_->queries().query_template(PD_QUERY_SCHEDULED_FLOW_RUNS_FROM_WORK_POOLS));
  pools.bind_json(1, "[]").bind_null(2).bind_null(3).bind_null(4).bind(5, 10).bind(6, 1000).bind(7, 1000).bind(8, true);
  EXPECT_FALSE(pools.step()) << "no pools, no runs";
  EXPECT_EQ(pools.column_name(0), "run_work_pool_id");
  Statement queues =
      session.prepare(database_->queries().query_template(PD_QUERY_SCHEDULED_FLOW_RUNS_FROM_WORK_QUEUES));
  queues.bind_json(1, "[]").bind_null(2).bind_null(3);
  EXPECT_FALSE(queues.step());
  EXPECT_EQ(queues.column_name(0), "wq_id");
}

INSTANTIATE_TEST_SUITE_P(Backends, Migrations, testing::ValuesIn(testing_support::backend_names()),
                         testing_support::backend_test_name);

}  // namespace
}  // namespace prefectd
