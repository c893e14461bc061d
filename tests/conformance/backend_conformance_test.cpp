// The backend conformance suite: what every backend plugin must do, run
// unchanged against each one through the host's database interface.
#include "database/database_error.h"
#include "database/database_interface.h"
#include "support/backends.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

namespace prefectd {
namespace {

class BackendConformance : public testing_support::BackendTest {
 protected:
  std::string p(int index) const { return database_->queries().placeholder(index); }
  // A column type for timestamps and JSON that exists in both dialects' DDL.
  bool postgres() const { return GetParam() == "postgres"; }
  std::string timestamp_type() const { return postgres() ? "TIMESTAMP WITH TIME ZONE" : "DATETIME"; }
  std::string json_type() const { return postgres() ? "JSONB" : "JSON"; }
  std::string uuid_type() const { return postgres() ? "UUID" : "CHAR(36)"; }
  std::string interval_type() const { return postgres() ? "INTERVAL" : "DATETIME"; }
  std::string blob_type() const { return postgres() ? "BYTEA" : "BLOB"; }

  void create_counter_table() {
    Session session = database_->session();
    session.execute("CREATE TABLE counter (name VARCHAR NOT NULL PRIMARY KEY, value INTEGER NOT NULL)");
  }

  // The counter table holding one row, `name` = 0.
  void create_counter_table_with(const std::string &name) {
    create_counter_table();
    Session session = database_->session();
    session.prepare("INSERT INTO counter (name, value) VALUES (" + p(1) + ", 0)").bind(1, name).execute();
  }

  // Runs `transactions` calls of `body(thread, index)` on each of `threads`
  // threads at once; a DatabaseError escaping one fails the test.
  void on_threads(int threads, int transactions, const std::function<void(int, int)> &body) {
    std::vector<std::thread> running;
    for (int t = 0; t < threads; ++t) {
      running.emplace_back([&, t] {
        for (int i = 0; i < transactions; ++i) {
          try {
            body(t, i);
          } catch (const DatabaseError &error) {
            ADD_FAILURE() << t << "-" << i << ": " << error.what();
          }
        }
      });
    }
    for (auto &thread : running) thread.join();
  }

  int64_t count_rows(const std::string &table) {
    Session session = database_->session();
    Statement statement = session.prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(statement.step());
    return *statement.int64(0);
  }
};

TEST_P(BackendConformance, PingSucceedsOnAReachableDatabase) {
  EXPECT_NO_THROW(database_->ping());
}

TEST_P(BackendConformance, CommittedTransactionIsVisible) {
  create_counter_table();
  {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    session.prepare("INSERT INTO counter (name, value) VALUES (" + p(1) + ", " + p(2) + ")")
        .bind(1, "a")
        .bind(2, 1)
        .execute();
    transaction.commit();
  }
  EXPECT_EQ(count_rows("counter"), 1);
}

TEST_P(BackendConformance, RolledBackTransactionLeavesNothing) {
  create_counter_table();
  {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    session.prepare("INSERT INTO counter (name, value) VALUES (" + p(1) + ", 1)").bind(1, "a").execute();
    transaction.rollback();
  }
  {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    session.prepare("INSERT INTO counter (name, value) VALUES (" + p(1) + ", 1)").bind(1, "b").execute();
    // Destroyed without commit: rolled back.
  }
  EXPECT_EQ(count_rows("counter"), 0);
}

TEST_P(BackendConformance, EveryParameterTypeRoundTrips) {
  {
    Session session = database_->session();
    session.execute(("CREATE TABLE typed (id INTEGER PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, t TEXT, b " +
                     blob_type() + ", f BOOLEAN, u " + uuid_type() + ", ts " + timestamp_type() + ", j " + json_type() +
                     ", iv " + interval_type() + ", n TEXT)")
                        .c_str());
  }
  const Uuid uuid = *Uuid::parse("6f1e2c3a-4b5d-4e6f-8a7b-9c0d1e2f3a4b");
  const Timestamp timestamp = *Timestamp::parse("2026-08-21T10:00:00.123456+02:00");
  const std::string json = R"({"name": "caf\u00e9", "tags": ["a", "b"], "nested": {"x": 1.5}})";
  const std::string blob("\x00\x01\xff binary", 10);
  const int64_t interval = 5'250'000;  // 5.25 s
  {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    session
        .prepare("INSERT INTO typed (id, i, d, t, b, f, u, ts, j, iv, n) VALUES (1, " + p(1) + ", " + p(2) + ", " +
                 p(3) + ", " + p(4) + ", " + p(5) + ", " + p(6) + ", " + p(7) + ", " + p(8) + ", " + p(9) + ", " +
                 p(10) + ")")
        .bind(1, int64_t{-9'007'199'254'740'993})
        .bind(2, 3.141592653589793)
        .bind(3, "naïve text with 'quotes'")
        .bind_blob(4, blob)
        .bind(5, true)
        .bind(6, uuid)
        .bind(7, timestamp)
        .bind_json(8, json)
        .bind_interval(9, interval)
        .bind_null(10)
        .execute();
    transaction.commit();
  }
  Session session = database_->session();
  Statement row = session.prepare("SELECT i, d, t, b, f, u, ts, j, iv, n FROM typed WHERE id = 1");
  ASSERT_TRUE(row.step());
  EXPECT_EQ(row.int64(0), -9'007'199'254'740'993);
  EXPECT_DOUBLE_EQ(*row.real(1), 3.141592653589793);
  EXPECT_EQ(row.text(2), "naïve text with 'quotes'");
  EXPECT_EQ(row.blob(3), blob);
  EXPECT_EQ(row.boolean(4), true);
  EXPECT_EQ(row.uuid(5), uuid);
  EXPECT_EQ(row.timestamp(6), timestamp);
  EXPECT_EQ(row.timestamp(6)->to_iso8601(), "2026-08-21T08:00:00.123456Z");
  ASSERT_TRUE(row.json(7));
  EXPECT_NE(row.json(7)->find("\"tags\""), std::string::npos);
  EXPECT_EQ(row.interval_micros(8), interval);
  EXPECT_TRUE(row.is_null(9));
  EXPECT_FALSE(row.text(9));
  EXPECT_FALSE(row.step());
}

TEST_P(BackendConformance, TimestampsBeforeAndAfterTheEpochRoundTrip) {
  {
    Session session = database_->session();
    session.execute(("CREATE TABLE times (id INTEGER PRIMARY KEY, ts " + timestamp_type() + ")").c_str());
  }
  const std::vector<Timestamp> samples = {Timestamp(0), Timestamp(-1'500'000),
                                          *Timestamp::parse("1999-12-31T23:59:59.999999Z"),
                                          *Timestamp::parse("2100-02-28T00:00:00Z")};
  Session session = database_->session();
  for (size_t i = 0; i < samples.size(); ++i) {
    session.prepare("INSERT INTO times (id, ts) VALUES (" + p(1) + ", " + p(2) + ")")
        .bind(1, static_cast<int64_t>(i))
        .bind(2, samples[i])
        .execute();
  }
  Statement rows = session.prepare("SELECT ts FROM times ORDER BY ts");
  std::vector<Timestamp> read;
  while (rows.step()) read.push_back(*rows.timestamp(0));
  std::vector<Timestamp> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(read, sorted);  // stored order is time order
}

TEST_P(BackendConformance, ConstraintViolationIsReportedAsSuch) {
  create_counter_table();
  Session session = database_->session();
  session.prepare("INSERT INTO counter (name, value) VALUES ('a', 1)").execute();
  try {
    session.prepare("INSERT INTO counter (name, value) VALUES ('a', 2)").execute();
    FAIL() << "duplicate key accepted";
  } catch (const DatabaseError &error) {
    EXPECT_EQ(error.status(), PD_CONSTRAINT) << error.what();
  }
}

TEST_P(BackendConformance, UpsertInsertsThenUpdates) {
  create_counter_table();
  const QueryComponents &q = database_->queries();
  std::string upsert =
      "INSERT INTO counter (name, value) VALUES (" + p(1) + ", " + p(2) + ")" + q.upsert_clause({"name"}, {"value"});
  Session session = database_->session();
  session.prepare(upsert).bind(1, "a").bind(2, 1).execute();
  session.prepare(upsert).bind(1, "a").bind(2, 5).execute();
  std::string ignore =
      "INSERT INTO counter (name, value) VALUES (" + p(1) + ", " + p(2) + ")" + q.upsert_clause({"name"}, {});
  session.prepare(ignore).bind(1, "a").bind(2, 9).execute();
  Statement read = session.prepare("SELECT COUNT(*), MAX(value) FROM counter");
  ASSERT_TRUE(read.step());
  EXPECT_EQ(read.int64(0), 1);
  EXPECT_EQ(read.int64(1), 5);
}

TEST_P(BackendConformance, UpdateFromCopiesValuesOfMatchingRows) {
  const QueryComponents &q = database_->queries();
  Session session = database_->session();
  session.execute("CREATE TABLE target (id INTEGER PRIMARY KEY, label VARCHAR)");
  session.execute("CREATE TABLE source (target_id INTEGER, label VARCHAR)");
  session.execute("INSERT INTO target (id, label) VALUES (1, 'old'), (2, 'old'), (3, 'old')");
  session.execute("INSERT INTO source (target_id, label) VALUES (1, 'one'), (3, 'three')");
  session.prepare(q.update_from("target", {{"label", "source.label"}}, "source", "source.target_id = target.id"))
      .execute();
  Statement read = session.prepare("SELECT label FROM target ORDER BY id");
  std::vector<std::string> labels;
  while (read.step()) labels.push_back(*read.text(0));
  EXPECT_EQ(labels, (std::vector<std::string>{"one", "old", "three"}));
}

TEST_P(BackendConformance, JsonBuildAndAggregate) {
  const QueryComponents &q = database_->queries();
  Session session = database_->session();
  session.execute("CREATE TABLE item (name VARCHAR, qty INTEGER)");
  session.execute("INSERT INTO item VALUES ('a', 1), ('b', 2)");
  std::string sql = "SELECT " + q.json_aggregate(q.json_build_object({{"n", "name"}, {"q", "qty"}})) +
                    " FROM (SELECT name, qty FROM item ORDER BY name) AS ordered";
  Statement read = session.prepare(sql);
  ASSERT_TRUE(read.step());
  std::string json = *read.json(0);
  rapidjson::Document document;
  document.Parse(json.c_str());
  ASSERT_FALSE(document.HasParseError()) << json;
  ASSERT_TRUE(document.IsArray());
  ASSERT_EQ(document.Size(), 2u);
  EXPECT_STREQ(document[0]["n"].GetString(), "a");
  EXPECT_EQ(document[1]["q"].GetInt(), 2);
}

TEST_P(BackendConformance, JsonContainmentAndExtraction) {
  const QueryComponents &q = database_->queries();
  Session session = database_->session();
  session.execute(("CREATE TABLE tagged (id INTEGER, tags " + json_type() + ", doc " + json_type() + ")").c_str());
  session.prepare("INSERT INTO tagged VALUES (1, " + p(1) + ", " + p(2) + "), (2, " + p(3) + ", " + p(4) + ")")
      .bind_json(1, R"(["a", "b", "c"])")
      .bind_json(2, R"({"id": "x1"})")
      .bind_json(3, R"(["c"])")
      .bind_json(4, R"({"id": "x2"})")
      .execute();
  auto ids = [&](const std::string &predicate, const std::string &needles) {
    Statement read = session.prepare("SELECT id FROM tagged WHERE " + predicate + " ORDER BY id");
    read.bind_json(1, needles);
    std::vector<int64_t> found;
    while (read.step()) found.push_back(*read.int64(0));
    return found;
  };
  EXPECT_EQ(ids(q.json_has_all("tags", p(1)), R"(["a", "c"])"), (std::vector<int64_t>{1}));
  EXPECT_EQ(ids(q.json_has_all("tags", p(1)), R"(["c"])"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(ids(q.json_has_any("tags", p(1)), R"(["b", "z"])"), (std::vector<int64_t>{1}));
  EXPECT_EQ(ids(q.json_has_any("tags", p(1)), R"(["z"])"), (std::vector<int64_t>{}));
  Statement elements = session.prepare("SELECT COUNT(*) FROM (" + q.json_array_elements(p(1)) + ") AS elements");
  elements.bind_json(1, R"(["x", "y", "z"])");
  ASSERT_TRUE(elements.step());
  EXPECT_EQ(elements.int64(0), 3);
  Statement extract = session.prepare("SELECT " + q.json_extract_text("doc", "id") + " FROM tagged ORDER BY id");
  ASSERT_TRUE(extract.step());
  EXPECT_EQ(extract.text(0), "x1");
}

TEST_P(BackendConformance, GreatestAndLeastAcrossColumns) {
  const QueryComponents &q = database_->queries();
  Session session = database_->session();
  Statement read = session.prepare("SELECT " + q.greatest({"3", "7", "5"}) + ", " + q.least({"3", "7", "5"}));
  ASSERT_TRUE(read.step());
  EXPECT_EQ(read.int64(0), 7);
  EXPECT_EQ(read.int64(1), 3);
}

TEST_P(BackendConformance, CaseInsensitiveLike) {
  const QueryComponents &q = database_->queries();
  Session session = database_->session();
  Statement read = session.prepare("SELECT CASE WHEN " + q.ilike(p(1), p(2)) + " THEN 1 ELSE 0 END");
  read.bind(1, "My-Flow").bind(2, "%my-f%");
  ASSERT_TRUE(read.step());
  EXPECT_EQ(read.int64(0), 1);
}

TEST_P(BackendConformance, TimestampArithmetic) {
  const QueryComponents &q = database_->queries();
  Session session = database_->session();
  const Timestamp start = *Timestamp::parse("2026-01-01T00:00:00Z");
  Statement read = session.prepare("SELECT " + q.timestamp_diff_seconds(q.timestamp_add_seconds(p(1), "90"), p(1)) +
                                   ", " + q.interval_seconds(q.interval_from_seconds("5.25")));
  read.bind(1, start);
  ASSERT_TRUE(read.step());
  EXPECT_NEAR(*read.real(0), 90.0, 0.001);
  EXPECT_NEAR(*read.real(1), 5.25, 0.001);
}

TEST_P(BackendConformance, TimestampIntervalsCoverTheRange) {
  const QueryComponents &q = database_->queries();
  Session session = database_->session();
  Statement read = session.prepare("SELECT interval_start, interval_end FROM (" +
                                   q.timestamp_intervals(p(1), p(2), p(3)) + ") AS intervals ORDER BY interval_start");
  read.bind(1, *Timestamp::parse("2026-01-01T00:00:00Z"))
      .bind(2, *Timestamp::parse("2026-01-01T01:00:00Z"))
      .bind(3, 600.0);
  std::vector<Timestamp> starts;
  while (read.step()) {
    starts.push_back(*read.timestamp(0));
    EXPECT_EQ(read.timestamp(1)->micros() - read.timestamp(0)->micros(), 600'000'000);
  }
  ASSERT_EQ(starts.size(), 6u);
  EXPECT_EQ(starts.front().to_iso8601(), "2026-01-01T00:00:00Z");
  EXPECT_EQ(starts.back().to_iso8601(), "2026-01-01T00:50:00Z");
}

TEST_P(BackendConformance, ConcurrentWritersAllLand) {
  create_counter_table_with("shared");
  constexpr int kThreads = 8;
  constexpr int kIncrements = 25;
  on_threads(kThreads, kIncrements, [&](int, int) {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    // Read-modify-write: only correct if write transactions serialise
    // (SQLite's IMMEDIATE lock, PostgreSQL's row lock).
    Statement read =
        session.prepare("SELECT value FROM counter WHERE name = 'shared'" + database_->queries().for_update(false));
    read.step();
    int64_t value = *read.int64(0);
    session.prepare("UPDATE counter SET value = " + p(1) + " WHERE name = 'shared'").bind(1, value + 1).execute();
    transaction.commit();
  });
  Session session = database_->session();
  Statement read = session.prepare("SELECT value FROM counter WHERE name = 'shared'");
  ASSERT_TRUE(read.step());
  EXPECT_EQ(read.int64(0), kThreads * kIncrements);
}

// Writers that commit, roll back and fail a constraint all at once (SQLite's
// plugin then shares commits among them): each transaction's fate is its
// own, and a commit has landed, for every other session, once it returns.
TEST_P(BackendConformance, ConcurrentTransactionsEachKeepTheirOwnOutcome) {
  create_counter_table_with("taken");
  constexpr int kThreads = 8;
  constexpr int kTransactions = 40;
  const auto name_of = [](int t, int i) { return std::to_string(t) + "-" + std::to_string(i); };
  on_threads(kThreads, kTransactions, [&](int t, int i) {
    const std::string name = name_of(t, i);
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    session.prepare("INSERT INTO counter (name, value) VALUES (" + p(1) + ", 1)").bind(1, name).execute();
    switch (i % 3) {
      case 0: {
        transaction.commit();
        Session reader = database_->session();
        Statement read = reader.prepare("SELECT COUNT(*) FROM counter WHERE name = " + p(1));
        read.bind(1, name);
        if (!read.step() || read.int64(0) != 1) ADD_FAILURE() << name << " not visible after its commit";
        break;
      }
      case 1:
        transaction.rollback();
        break;
      default:
        try {
          session.prepare("INSERT INTO counter (name, value) VALUES ('taken', 1)").execute();
          ADD_FAILURE() << "a duplicate key was accepted";
        } catch (const DatabaseError &error) {
          if (error.status() != PD_CONSTRAINT) throw;
        }
        // Destroyed without commit after the failed statement.
        break;
    }
  });
  Session session = database_->session();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kTransactions; ++i) {
      Statement read = session.prepare("SELECT COUNT(*) FROM counter WHERE name = " + p(1));
      read.bind(1, name_of(t, i));
      ASSERT_TRUE(read.step());
      EXPECT_EQ(read.int64(0), i % 3 == 0 ? 1 : 0) << name_of(t, i);
    }
  }
  EXPECT_EQ(count_rows("counter"), 1 + kThreads * ((kTransactions + 2) / 3));
}

// A writer that commits while another waits behind it, which then rolls
// back (SQLite's plugin hands its turn on with the first one's work still
// to commit): the first one's work lands all the same, the second's not.
TEST_P(BackendConformance, CommitLandsWhenTheNextWriterRollsBack) {
  create_counter_table();
  std::thread second;
  {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    session.prepare("INSERT INTO counter (name, value) VALUES ('first', 1)").execute();
    second = std::thread([&] {
      Session other = database_->session();
      Transaction waiting(other, PD_TRANSACTION_WRITE);  // waits for the first writer
      other.prepare("INSERT INTO counter (name, value) VALUES ('second', 1)").execute();
      waiting.rollback();
    });
    // Give the second writer time to queue behind this one.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    transaction.commit();
    Session reader = database_->session();
    Statement count = reader.prepare("SELECT COUNT(*) FROM counter WHERE name = 'first'");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.int64(0), 1) << "the commit returned before it landed";
  }
  second.join();
  Session session = database_->session();
  Statement read = session.prepare("SELECT name FROM counter ORDER BY name");
  ASSERT_TRUE(read.step());
  EXPECT_EQ(read.text(0), "first");
  EXPECT_FALSE(read.step());
}

// SQLite admits one writer at a time; PostgreSQL's row locks let writers of
// different rows go on together. The host sizes its database work by it.
TEST_P(BackendConformance, WriterLimitSaysWhetherWritersGoOnTogether) {
  EXPECT_EQ(database_->writer_limit(), postgres() ? 0 : 1);
}

TEST_P(BackendConformance, PoolStatisticsTrackCheckouts) {
  pd_pool_stats before = database_->pool_stats();
  {
    Session first = database_->session();
    Session second = database_->session();
    pd_pool_stats during = database_->pool_stats();
    EXPECT_EQ(during.in_use, before.in_use + 2);
  }
  EXPECT_EQ(database_->pool_stats().in_use, before.in_use);
}

TEST_P(BackendConformance, UpsertColumnsFollowPrefectsModels) {
  EXPECT_EQ(database_->upsert_columns("flow"), (std::vector<std::string>{"name"}));
  EXPECT_EQ(database_->upsert_columns("task_run"),
            (std::vector<std::string>{"flow_run_id", "task_key", "dynamic_key"}));
  EXPECT_EQ(database_->upsert_columns("csrf_token"), (std::vector<std::string>{"client"}));
  EXPECT_TRUE(database_->upsert_columns("no_such_model").empty());
}

// Backends may keep prepared statements for reuse (SQLite does, per
// connection); a statement prepared again must behave as a new one.
TEST_P(BackendConformance, StatementPreparedAgainStartsUnboundFromTheFirstRow) {
  create_counter_table();
  Session session = database_->session();
  session.execute("INSERT INTO counter (name, value) VALUES ('a', 1), ('b', 2), ('c', 3)");
  const std::string sql = "SELECT name FROM counter WHERE value >= " + p(1) + " ORDER BY name";
  {
    Statement first = session.prepare(sql);
    first.bind(1, 2);
    ASSERT_TRUE(first.step());
    EXPECT_EQ(first.text(0), "b");  // left on its first row
  }
  Statement again = session.prepare(sql);
  // PostgreSQL refuses to run with a parameter unbound; SQLite reads NULL.
  if (!postgres()) {
    EXPECT_FALSE(again.step()) << "the previous binding (2) leaked into a new statement";
    again.reset();
  }
  again.bind(1, 1);
  ASSERT_TRUE(again.step());
  EXPECT_EQ(again.text(0), "a");
}

TEST_P(BackendConformance, IdenticalStatementsOpenAtOnceAreIndependent) {
  create_counter_table();
  Session session = database_->session();
  session.execute("INSERT INTO counter (name, value) VALUES ('a', 1), ('b', 2)");
  const std::string sql = "SELECT name FROM counter ORDER BY name";
  Statement outer = session.prepare(sql);
  ASSERT_TRUE(outer.step());
  {
    Statement inner = session.prepare(sql);
    ASSERT_TRUE(inner.step());
    EXPECT_EQ(inner.text(0), "a");
    ASSERT_TRUE(inner.step());
    EXPECT_EQ(inner.text(0), "b");
  }
  EXPECT_EQ(outer.text(0), "a");
  ASSERT_TRUE(outer.step());
  EXPECT_EQ(outer.text(0), "b");
  EXPECT_FALSE(outer.step());
  {
    Statement inner = session.prepare(sql);  // one of the two, back from reuse
    ASSERT_TRUE(inner.step());
    EXPECT_EQ(inner.text(0), "a");
  }
}

TEST_P(BackendConformance, StatementPreparedAgainSeesASchemaChange) {
  create_counter_table();
  Session session = database_->session();
  session.execute("INSERT INTO counter (name, value) VALUES ('a', 1)");
  const std::string sql = "SELECT * FROM counter";
  {
    Statement before = session.prepare(sql);
    ASSERT_TRUE(before.step());
    EXPECT_EQ(before.column_count(), 2);
  }
  session.execute("ALTER TABLE counter ADD COLUMN note VARCHAR");
  Statement after = session.prepare(sql);
  ASSERT_TRUE(after.step());
  EXPECT_EQ(after.column_count(), 3);
  EXPECT_EQ(after.column_name(2), "note");
}

// A statement left on a row and then finalized must end its read: a kept
// statement that still held it would lock the table against DDL and (in
// SQLite's WAL mode) pin a snapshot that no checkpoint can pass.
TEST_P(BackendConformance, FinalizedStatementLeftOnARowHoldsNothing) {
  create_counter_table();
  Session session = database_->session();
  session.execute("INSERT INTO counter (name, value) VALUES ('a', 1), ('b', 2)");
  {
    Statement read = session.prepare("SELECT name FROM counter ORDER BY name");
    ASSERT_TRUE(read.step());
  }
  if (!postgres()) {
    Session other = database_->session();
    Statement checkpoint = other.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    ASSERT_TRUE(checkpoint.step());
    EXPECT_EQ(checkpoint.int64(0), 0) << "the checkpoint was blocked by a reader";
  }
  EXPECT_NO_THROW(session.execute("DROP TABLE counter"));
}

// SQLite's WAL must be checkpointed as it fills, so that it is reused from
// the start instead of growing without end. The plugin copies it back from
// 1,000 pages (SQLite's default interval) on a thread of its own, and a
// writer that finds 2,000 pages finishes it itself, so the log never holds
// much more than 2,000 pages (8 MB) plus the transaction that crossed it.
TEST_P(BackendConformance, WriteAheadLogIsCheckpointedAsItFills) {
  if (postgres()) GTEST_SKIP() << "SQLite's write-ahead log";
  {
    Session session = database_->session();
    session.execute(("CREATE TABLE filler (id INTEGER PRIMARY KEY, payload " + blob_type() + ")").c_str());
  }
  const std::string payload(4000, 'x');
  constexpr int kTransactions = 40;  // about 100 pages each: 4000 pages, 16 MB
  for (int t = 0; t < kTransactions; ++t) {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    Statement insert = session.prepare("INSERT INTO filler (payload) VALUES (" + p(1) + ")");
    for (int row = 0; row < 100; ++row) {
      insert.bind_blob(1, payload);
      insert.execute();
      insert.reset();
    }
    transaction.commit();
  }
  const std::string url = scratch_->url();
  const std::filesystem::path wal = url.substr(url.find(":///") + 4) + "-wal";
  ASSERT_TRUE(std::filesystem::exists(wal));
  EXPECT_LT(std::filesystem::file_size(wal), 9u << 20) << "the WAL grew past two checkpoint intervals";
}

// What the writer leaves in SQLite's log must stand on its own: copied
// while the database is open (frames of large and small commits, written
// as the plugin gathers them) and opened afresh, the log is recovered frame
// by frame, its checksums checked, and every committed row is there.
TEST_P(BackendConformance, TheWriteAheadLogAloneRecoversEveryCommit) {
  if (postgres()) GTEST_SKIP() << "SQLite's write-ahead log";
  {
    Session session = database_->session();
    session.execute(("CREATE TABLE filler (id INTEGER PRIMARY KEY, payload " + blob_type() + ")").c_str());
  }
  const std::string payload(4000, 'x');
  const auto insert_rows = [&](int rows) {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    Statement insert = session.prepare("INSERT INTO filler (payload) VALUES (" + p(1) + ")");
    for (int row = 0; row < rows; ++row) {
      insert.bind_blob(1, payload);
      insert.execute();
      insert.reset();
    }
    transaction.commit();
  };
  insert_rows(600);  // about 2.4 MB of frames in one commit
  for (int i = 0; i < 30; ++i) insert_rows(1);
  const std::string url = scratch_->url();
  const std::filesystem::path file = url.substr(url.find(":///") + 4);
  const std::filesystem::path saved = file.string() + ".saved";
  std::filesystem::copy_file(file, saved);
  std::filesystem::copy_file(file.string() + "-wal", saved.string() + "-wal");
  database_.reset();
  std::filesystem::rename(saved, file);
  std::filesystem::rename(saved.string() + "-wal", file.string() + "-wal");
  std::filesystem::remove(file.string() + "-shm");
  database_ = scratch_->open();
  EXPECT_EQ(count_rows("filler"), 630);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendConformance, testing::ValuesIn(testing_support::backend_names()),
                         testing_support::backend_test_name);

}  // namespace
}  // namespace prefectd
