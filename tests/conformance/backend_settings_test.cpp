// What each bundled backend promises beyond the common contract: SQLite's
// per-connection PRAGMAs, PostgreSQL's session settings, and pool limits.
#include "database/database_error.h"
#include "support/backends.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

namespace prefectd {
namespace {

using testing_support::ScratchDatabase;

std::string single_text(DatabaseInterface &database, const std::string &sql) {
  Session session = database.session();
  Statement statement = session.prepare(sql);
  EXPECT_TRUE(statement.step()) << sql;
  return statement.text(0).value_or("NULL");
}

// A fresh SQLite database opened through its plugin, as the server opens it.
class SqliteBackend : public ::testing::Test {
 protected:
  ScratchDatabase scratch_{"sqlite"};
  std::unique_ptr<DatabaseInterface> opened_ = scratch_.open();
  DatabaseInterface &database_ = *opened_;
};

TEST_F(SqliteBackend, EveryConnectionCarriesPrefectsPragmas) {
  // Hold one session so the next is a second connection of the pool.
  Session held = database_.session();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(single_text(database_, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(single_text(database_, "PRAGMA foreign_keys"), "1");
    EXPECT_EQ(single_text(database_, "PRAGMA legacy_alter_table"), "0");
    EXPECT_EQ(single_text(database_, "PRAGMA synchronous"), "1");  // NORMAL
    EXPECT_EQ(single_text(database_, "PRAGMA cache_size"), "20000");
    const char *unit_test_mode = std::getenv("PREFECT_TESTING_UNIT_TEST_MODE");
    bool testing = unit_test_mode != nullptr && parse_boolean(unit_test_mode).value_or(false);
    EXPECT_EQ(single_text(database_, "PRAGMA busy_timeout"), testing ? "5000" : "60000");
  }
}

TEST_F(SqliteBackend, WriteTransactionsTakeTheLockAtBegin) {
  Session first = database_.session();
  auto holder = std::make_unique<Transaction>(first, PD_TRANSACTION_WRITE);
  std::atomic<bool> second_began{false};
  std::thread second_writer([&] {
    Session second = database_.session();
    // IMMEDIATE: this BEGIN itself waits for the first writer to finish.
    Transaction waiting(second, PD_TRANSACTION_WRITE);
    second_began = true;
    waiting.commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(second_began) << "a second write transaction began while the first held the lock";
  holder->commit();
  second_writer.join();
  EXPECT_TRUE(second_began);
}

TEST_F(SqliteBackend, ReadersAreNotBlockedByAWriter) {
  Session writer = database_.session();
  Transaction write(writer, PD_TRANSACTION_WRITE);
  Session reader = database_.session();
  Transaction read(reader, PD_TRANSACTION_READ);
  EXPECT_NO_THROW(reader.prepare("SELECT 1").execute());
}

// Write transactions run on one writer connection, lent with the write
// turn; the session keeps it until the last statement prepared on it is
// finalized, so none of them can run in another writer's transaction.
TEST_F(SqliteBackend, TheWriterStaysWithASessionUntilItsStatementsAreFinalized) {
  database_.session().execute("CREATE TABLE kept (x INTEGER)");
  Session first = database_.session();
  std::optional<Statement> outliving;
  {
    Transaction transaction(first, PD_TRANSACTION_WRITE);
    outliving.emplace(first.prepare("INSERT INTO kept VALUES (1)"));
    outliving->execute();
    // The writer's cache is never emptied by another connection's commit,
    // so it is bounded below Prefect's 80 MB (see ConnectionPool::writer).
    Statement cache = first.prepare("PRAGMA cache_size");
    ASSERT_TRUE(cache.step());
    EXPECT_EQ(cache.int64(0), -8192);
    transaction.commit();
  }
  std::atomic<bool> second_began{false};
  std::thread second_writer([&] {
    Session second = database_.session();
    Transaction waiting(second, PD_TRANSACTION_WRITE);
    second_began = true;
    second.prepare("INSERT INTO kept VALUES (2)").execute();
    waiting.commit();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(second_began) << "another writer began while a statement of the last one was still open";
  outliving.reset();
  second_writer.join();
  EXPECT_TRUE(second_began);
  EXPECT_EQ(single_text(database_, "SELECT CAST(COUNT(*) AS TEXT) FROM kept"), "2");
}

// A statement prepared before its session began writing belongs to the
// session's pooled connection: inside the write transaction it would write
// outside it, so it is refused instead.
TEST_F(SqliteBackend, AStatementPreparedBeforeAWriteTransactionCannotRunInIt) {
  database_.session().execute("CREATE TABLE kept (x INTEGER)");
  Session session = database_.session();
  Statement early = session.prepare("INSERT INTO kept VALUES (1)");
  {
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    EXPECT_THROW(early.execute(), DatabaseError);
  }
  EXPECT_EQ(early.execute(), 1);  // outside any transaction it runs as before
  EXPECT_EQ(single_text(database_, "SELECT CAST(COUNT(*) AS TEXT) FROM kept"), "1");
}

// What the writer commits is what every pooled reader sees next.
TEST_F(SqliteBackend, ReadersSeeWhatTheWriterCommitted) {
  database_.session().execute("CREATE TABLE kept (x INTEGER)");
  Session reader = database_.session();
  for (int value = 1; value <= 3; ++value) {
    Session writer = database_.session();
    Transaction transaction(writer, PD_TRANSACTION_WRITE);
    writer.prepare("INSERT INTO kept VALUES (" + std::to_string(value) + ")").execute();
    transaction.commit();
    Statement count = reader.prepare("SELECT COUNT(*) FROM kept");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.int64(0), value);
  }
}

// The frames in the write-ahead log and how many of them are copied back,
// from the WAL-index header in the -shm file (sqlite.org/walformat.html:
// mxFrame at byte 16, nBackfill at byte 96, in native byte order).
struct WalProgress {
  uint32_t frames_in_log = 0;
  uint32_t frames_copied = 0;
};

WalProgress wal_progress(const std::filesystem::path &shm) {
  std::ifstream file(shm, std::ios::binary);
  char header[100] = {};
  file.read(header, sizeof header);
  WalProgress progress;
  std::memcpy(&progress.frames_in_log, header + 16, sizeof progress.frames_in_log);
  std::memcpy(&progress.frames_copied, header + 96, sizeof progress.frames_copied);
  return progress;
}

// A commit that takes the write-ahead log past 1,000 pages leaves the copy
// back to the plugin's checkpointer thread: with no writer doing anything,
// the whole log is copied, and the next writer starts it over.
TEST_F(SqliteBackend, TheCheckpointerCopiesALongLogBackOffTheWritersPath) {
  database_.session().execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, payload BLOB)");
  auto write = [&](int rows) {
    Session session = database_.session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    Statement insert = session.prepare("INSERT INTO filler (payload) VALUES (?)");
    const std::string payload(4000, 'x');  // a page each
    for (int row = 0; row < rows; ++row) {
      insert.bind_blob(1, payload);
      insert.execute();
      insert.reset();
    }
    transaction.commit();
  };
  write(1200);
  const std::string url = scratch_.url();
  const std::filesystem::path shm = url.substr(url.find(":///") + 4) + "-shm";
  WalProgress progress = wal_progress(shm);
  ASSERT_GE(progress.frames_in_log, 1200u);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (progress.frames_copied != progress.frames_in_log && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    progress = wal_progress(shm);
  }
  EXPECT_EQ(progress.frames_copied, progress.frames_in_log) << "nothing copied the log back";
  write(1);
  EXPECT_LT(wal_progress(shm).frames_in_log, 10u) << "the next writer did not start the log over";
}

TEST_F(SqliteBackend, InMemoryDatabaseSurvivesAcrossSessions) {
  DatabaseInterface database(scratch_.plugin(), DatabaseUrl::parse("sqlite+aiosqlite:///:memory:"));
  EXPECT_TRUE(database.is_in_memory());
  {
    Session session = database.session();
    session.execute("CREATE TABLE kept (x INTEGER)");
    session.execute("INSERT INTO kept VALUES (42)");
  }
  EXPECT_EQ(single_text(database, "SELECT CAST(x AS TEXT) FROM kept"), "42");
}

TEST(PostgresBackend, SessionsAreReadCommittedUtcWithTheStatementTimeout) {
  if (testing_support::unavailable("postgres")) GTEST_SKIP() << "postgres server not configured";
  ScratchDatabase scratch("postgres");
  auto database = scratch.open();
  EXPECT_EQ(single_text(*database, "SHOW default_transaction_isolation"), "read committed");
  EXPECT_EQ(single_text(*database, "SHOW TimeZone"), "UTC");
  EXPECT_EQ(single_text(*database, "SHOW statement_timeout"), "10s");
  EXPECT_FALSE(database->is_in_memory());
}

TEST(PostgresBackend, StatementTimeoutIsReportedAsTimeout) {
  if (testing_support::unavailable("postgres")) GTEST_SKIP() << "postgres server not configured";
  ScratchDatabase scratch("postgres");
  auto database = scratch.open();
  Session session = database->session();
  session.execute("SET statement_timeout = '100ms'");
  try {
    session.prepare("SELECT pg_sleep(2)").execute();
    FAIL() << "pg_sleep outlived the statement timeout";
  } catch (const DatabaseError &error) {
    EXPECT_EQ(error.status(), PD_TIMEOUT) << error.what();
    EXPECT_TRUE(error.retryable());
  }
}

TEST(PostgresBackend, UnreachableServerIsUnavailableNotAHang) {
  if (testing_support::unavailable("postgres")) GTEST_SKIP() << "postgres server not configured";
  ScratchDatabase scratch("postgres");
  DatabaseUrl url = DatabaseUrl::parse("postgresql+asyncpg://nobody:pw@127.0.0.1:1/nothing");
  DatabaseInterface database(scratch.plugin(), url);
  const auto started = std::chrono::steady_clock::now();
  try {
    database.ping();
    FAIL() << "ping succeeded against a closed port";
  } catch (const DatabaseError &error) {
    EXPECT_EQ(error.status(), PD_UNAVAILABLE) << error.what();
    EXPECT_EQ(std::string(error.what()).find("pw"), std::string::npos) << "password in message: " << error.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(6));
}

}  // namespace
}  // namespace prefectd
