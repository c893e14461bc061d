// /api/ready follows the PostgreSQL server: 503 while it is down (within
// the connection timeout, the process staying up), 200 again after it
// restarts, without restarting prefectd. Stops the shared test server, so
// ctest runs it alone (RUN_SERIAL).
#include "support/backends.h"
#include "support/http_client.h"
#include "support/prefectd_process.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace prefectd {
namespace {

using namespace testing_support;

int control_postgres(const std::string &action) {
  const char *control = std::getenv("PREFECTD_TEST_PG_CONTROL");
  const char *directory = std::getenv("PREFECTD_TEST_PG_DIR");
  if (control == nullptr || directory == nullptr) return -1;
  return std::system((std::string(control) + " " + action + " " + directory).c_str());
}

TEST(PostgresRestart, ReadyFollowsTheDatabase) {
  if (unavailable("postgres")) GTEST_SKIP() << "postgres server not configured";
  if (std::getenv("PREFECTD_TEST_PG_CONTROL") == nullptr) {
    if (std::getenv("PREFECTD_TEST_REQUIRE_POSTGRES") != nullptr) FAIL() << "PREFECTD_TEST_PG_CONTROL is not set";
    GTEST_SKIP() << "no control over the PostgreSQL server";
  }
  ScratchDatabase scratch("postgres");
  ServerProcess server(
      {{"PREFECT_SERVER_DATABASE_CONNECTION_URL", scratch.url()}, {"PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT", "2"}});
  HttpClient client;
  ASSERT_EQ(client.request("GET", server.api_url() + "/ready").status, 200);

  ASSERT_EQ(control_postgres("stop"), 0);
  const auto asked = std::chrono::steady_clock::now();
  HttpResult down = client.request("GET", server.api_url() + "/ready");
  const auto waited = std::chrono::steady_clock::now() - asked;
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.body, R"({"message":"Database is not available"})");
  EXPECT_LT(waited, std::chrono::seconds(4)) << "readiness must not outwait the connection timeout";
  EXPECT_TRUE(server.running());
  EXPECT_EQ(client.request("GET", server.api_url() + "/health").status, 200) << "liveness does not need the database";

  ASSERT_EQ(control_postgres("start"), 0);
  long status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    status = client.request("GET", server.api_url() + "/ready").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(status, 200) << server.output();
  EXPECT_EQ(server.stop(SIGTERM, std::chrono::seconds(15)), 0);
}

}  // namespace
}  // namespace prefectd
