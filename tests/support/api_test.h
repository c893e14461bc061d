// A test that runs a real prefectd on its own scratch database for one
// backend, with an HTTP client and the OpenAPI contract at hand.
#pragma once

#include "backends.h"
#include "http_client.h"
#include "openapi_contract.h"
#include "prefectd_process.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace prefectd::testing_support {

class ApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts the server (with `environment` added; block registration at
  // start-up off unless `environment` says otherwise); tests that need
  // special settings call it themselves, others get it from SetUp via start().
  ServerProcess &start(std::map<std::string, std::string> environment = {});

  HttpResult get(const std::string &path, const std::map<std::string, std::string> &headers = {});
  HttpResult send(const std::string &method, const std::string &path, const std::string &body);
  // The same request from `clients` clients at once: each connects first,
  // then all are released together, so that the requests overlap.
  std::vector<HttpResult> send_together(int clients, const std::string &method, const std::string &path,
                                        const std::string &body);
  // Fails the test unless `result` is a valid answer of `method` on the
  // OpenAPI `path_template` (without the /api mount).
  void expect_contract(const std::string &method, const std::string &path_template, const HttpResult &result);

  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<ServerProcess> server_;
  HttpClient client_;
};

}  // namespace prefectd::testing_support
