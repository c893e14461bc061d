#include "api_test.h"

#include <future>
#include <latch>

namespace prefectd::testing_support {

void ApiTest::SetUp() {
  if (unavailable(GetParam())) GTEST_SKIP() << GetParam() << " server not configured";
  scratch_ = std::make_unique<ScratchDatabase>(GetParam());
}

void ApiTest::TearDown() {
  server_.reset();  // the server must let go of the database before it is dropped
  scratch_.reset();
}

ServerProcess &ApiTest::start(std::map<std::string, std::string> environment) {
  environment["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = scratch_->url();
  // As in Prefect's own test suite: suites start from empty block tables
  // unless they ask for the start-up registration.
  environment.try_emplace("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "false");
  server_ = std::make_unique<ServerProcess>(environment);
  return *server_;
}

HttpResult ApiTest::get(const std::string &path, const std::map<std::string, std::string> &headers) {
  return client_.request("GET", server_->api_url() + path, {}, headers);
}

HttpResult ApiTest::send(const std::string &method, const std::string &path, const std::string &body) {
  return client_.request(method, server_->api_url() + path, body);
}

std::vector<HttpResult> ApiTest::send_together(int clients, const std::string &method, const std::string &path,
                                               const std::string &body) {
  const std::string url = server_->api_url() + path;
  std::latch connected(clients);
  std::vector<std::future<HttpResult>> answers;
  for (int i = 0; i < clients; ++i) {
    answers.push_back(std::async(std::launch::async, [&] {
      HttpClient client;
      client.request("GET", server_->api_url() + "/health");
      connected.arrive_and_wait();
      return client.request(method, url, body);
    }));
  }
  std::vector<HttpResult> results;
  for (auto &answer : answers) results.push_back(answer.get());
  return results;
}

void ApiTest::expect_contract(const std::string &method, const std::string &path_template, const HttpResult &result) {
  EXPECT_EQ(contract_violation(method, path_template, static_cast<int>(result.status), result.body), "")
      << method << " " << path_template;
}

}  // namespace prefectd::testing_support
