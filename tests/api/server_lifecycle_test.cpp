// Start, swap backends, stop: the process as an operator sees it.
#include "database/database_interface.h"
#include "support/backends.h"
#include "support/http_client.h"
#include "support/prefectd_process.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace prefectd {
namespace {

using namespace testing_support;

TEST(ServerLifecycle, OneBinarySwapsBackendsByUrlAlone) {
  if (unavailable("postgres")) GTEST_SKIP() << "postgres server not configured";
  HttpClient client;
  for (const std::string backend : {"sqlite", "postgres"}) {
    ScratchDatabase scratch(backend);
    ServerProcess server({{"PREFECT_SERVER_DATABASE_CONNECTION_URL", scratch.url()}});
    EXPECT_EQ(client.request("GET", server.api_url() + "/ready").status, 200) << backend;
    EXPECT_NE(server.output().find(std::string("(backend ") + (backend == "sqlite" ? "sqlite" : "postgresql")),
              std::string::npos)
        << server.output();
    EXPECT_EQ(server.stop(SIGTERM, std::chrono::seconds(15)), 0) << server.output();
  }
}

class GracefulShutdown : public testing::TestWithParam<std::string> {};

// Every request answered with success is in the database afterwards, and
// the process exits 0 within the grace period.
TEST_P(GracefulShutdown, SigtermWhileRequestsAreInFlight) {
  if (unavailable(GetParam())) GTEST_SKIP() << GetParam() << " server not configured";
  ScratchDatabase scratch(GetParam());
  ServerProcess server({{"PREFECT_SERVER_DATABASE_CONNECTION_URL", scratch.url()},
                        {"PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED", "true"},
                        {"PREFECTD_SHUTDOWN_GRACE_SECONDS", "5"}});
  std::mutex mutex;
  std::map<std::string, std::string> issued;  // client → token answered with 200
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&, t] {
      HttpClient client;
      for (int i = 0; !stop; ++i) {
        std::string name = "client-" + std::to_string(t) + "-" + std::to_string(i);
        HttpResult result = client.request("GET", server.api_url() + "/csrf-token?client=" + name, {}, {}, 10000);
        if (result.status == 200) {
          rapidjson::Document token;
          token.Parse(result.body.c_str());
          std::lock_guard lock(mutex);
          issued[name] = token["token"].GetString();
          ++answered;
        } else if (result.status != 503 && result.status != 0) {
          ADD_FAILURE() << "unexpected " << result.status << " " << result.body;
        }
      }
    });
  }
  while (answered < 30) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto signalled = std::chrono::steady_clock::now();
  auto exit_code = server.stop(SIGTERM, std::chrono::seconds(6));
  const auto took = std::chrono::steady_clock::now() - signalled;
  stop = true;
  for (auto &client : clients) client.join();
  ASSERT_EQ(exit_code, 0) << server.output();
  EXPECT_LT(took, std::chrono::seconds(6));

  auto database = scratch.open();
  Session session = database->session();
  Statement read = session.prepare("SELECT client, token FROM csrf_token");
  std::map<std::string, std::string> stored;
  while (read.step()) stored[*read.text(0)] = *read.text(1);
  ASSERT_GE(issued.size(), 30u);
  for (const auto &[client, token] : issued) {
    ASSERT_TRUE(stored.contains(client)) << client << " was answered 200 but is not in the database";
    EXPECT_EQ(stored[client], token);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, GracefulShutdown, testing::ValuesIn(backend_names()),
                         testing_support::backend_test_name);

TEST(ServerLifecycle, SigintStopsCleanlyToo) {
  ScratchDatabase scratch("sqlite");
  ServerProcess server({{"PREFECT_SERVER_DATABASE_CONNECTION_URL", scratch.url()}});
  EXPECT_EQ(server.stop(SIGINT, std::chrono::seconds(15)), 0) << server.output();
}

TEST(ServerLifecycle, InMemorySqliteKeepsDataAcrossRequests) {
  ServerProcess server({{"PREFECT_SERVER_DATABASE_CONNECTION_URL", "sqlite+aiosqlite:///:memory:"},
                        {"PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED", "true"}});
  HttpClient client;
  // Migrations ran on the shared connection, so the tables are still there.
  HttpResult first = client.request("GET", server.api_url() + "/csrf-token?client=memory");
  ASSERT_EQ(first.status, 200) << first.body << server.output();
  HttpResult second = client.request("GET", server.api_url() + "/csrf-token?client=memory");
  rapidjson::Document a, b;
  a.Parse(first.body.c_str());
  b.Parse(second.body.c_str());
  EXPECT_STREQ(a["id"].GetString(), b["id"].GetString());
}

}  // namespace
}  // namespace prefectd
