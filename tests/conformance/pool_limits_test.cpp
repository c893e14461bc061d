// Pool limits on every backend. Runs in a process of its own with a small
// pool (POOL_SIZE=2, MAX_OVERFLOW=1, POOL_TIMEOUT=1; see tests/CMakeLists.txt),
// settings the plugins read through the host.
#include "database/database_error.h"
#include "support/backends.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

namespace prefectd {
namespace {

using testing_support::ScratchDatabase;

class PoolLimits : public testing::TestWithParam<std::string> {};

TEST_P(PoolLimits, CheckoutBeyondSizePlusOverflowTimesOutAsBusy) {
  if (testing_support::unavailable(GetParam())) GTEST_SKIP() << GetParam() << " server not configured";
  ASSERT_STREQ(std::getenv("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE"), "2") << "run through ctest";
  ScratchDatabase scratch(GetParam());
  auto database = scratch.open();
  std::vector<Session> held;
  for (int i = 0; i < 3; ++i) held.push_back(database->session());
  EXPECT_EQ(database->pool_stats().in_use, 3);
  const auto started = std::chrono::steady_clock::now();
  try {
    database->session();
    FAIL() << "a fourth connection was handed out";
  } catch (const DatabaseError &error) {
    EXPECT_EQ(error.status(), PD_BUSY) << error.what();
  }
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(5));
  held.pop_back();
  EXPECT_NO_THROW(database->session());
}

TEST_P(PoolLimits, OverflowConnectionsCloseOnReturn) {
  if (testing_support::unavailable(GetParam())) GTEST_SKIP() << GetParam() << " server not configured";
  ScratchDatabase scratch(GetParam());
  auto database = scratch.open();
  {
    std::vector<Session> held;
    for (int i = 0; i < 3; ++i) held.push_back(database->session());
    EXPECT_EQ(database->pool_stats().open, 3);
  }
  pd_pool_stats stats = database->pool_stats();
  EXPECT_EQ(stats.open, 2);
  EXPECT_EQ(stats.idle, 2);
  EXPECT_EQ(stats.in_use, 0);
}

TEST_P(PoolLimits, MostRecentlyReturnedConnectionIsReusedFirst) {
  if (testing_support::unavailable(GetParam())) GTEST_SKIP() << GetParam() << " server not configured";
  if (GetParam() == "sqlite") GTEST_SKIP() << "no backend pid to tell SQLite connections apart";
  ScratchDatabase scratch(GetParam());
  auto database = scratch.open();
  std::string second_pid;
  {
    Session first = database->session();
    Session second = database->session();
    Statement pid = second.prepare("SELECT CAST(pg_backend_pid() AS TEXT)");
    pid.step();
    second_pid = *pid.text(0);
    // `second` is destroyed first (reverse order), then `first`: `first`
    // is the most recently returned.
  }
  Session next = database->session();
  Statement pid = next.prepare("SELECT CAST(pg_backend_pid() AS TEXT)");
  pid.step();
  EXPECT_NE(*pid.text(0), second_pid) << "LIFO reuse hands out the last connection returned";
}

INSTANTIATE_TEST_SUITE_P(Backends, PoolLimits, testing::ValuesIn(testing_support::backend_names()),
                         testing_support::backend_test_name);

}  // namespace
}  // namespace prefectd
