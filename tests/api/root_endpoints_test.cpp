// The first endpoints, over real sockets against a real prefectd process,
// on each backend; every body checked against Prefect's OpenAPI contract.
#include "support/api_test.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <regex>

namespace prefectd {
namespace {

using namespace testing_support;

class RootEndpoints : public ApiTest {};

TEST_P(RootEndpoints, HealthIsTrue) {
  start();
  HttpResult result = get("/health");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "true");
  EXPECT_EQ(result.headers["content-type"], "application/json");
  expect_contract("GET", "/health", result);
}

TEST_P(RootEndpoints, VersionHelloAndAdminVersion) {
  start();
  HttpResult version = get("/version");
  EXPECT_EQ(version.body, "\"0.8.4\"");
  expect_contract("GET", "/version", version);
  HttpResult hello = get("/hello");
  EXPECT_EQ(hello.body, "\"\xF0\x9F\x91\x8B\"");
  expect_contract("GET", "/hello", hello);
  HttpResult admin = get("/admin/version");
  EXPECT_EQ(admin.status, 200);
  // Prefect 3 clients refuse a server whose major is not 3.
  EXPECT_TRUE(admin.body.starts_with("\"3.")) << admin.body;
  expect_contract("GET", "/admin/version", admin);
}

TEST_P(RootEndpoints, ReadyWhenTheDatabaseAnswers) {
  start();
  HttpResult result = get("/ready");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, R"({"message":"OK"})");
  expect_contract("GET", "/ready", result);
}

TEST_P(RootEndpoints, AdminSettingsMatchPrefectsSchemaWithSecretsHidden) {
  start({{"PREFECT_SERVER_DATABASE_PASSWORD", "hunter2"}});
  HttpResult result = get("/admin/settings");
  ASSERT_EQ(result.status, 200);
  expect_contract("GET", "/admin/settings", result);
  EXPECT_EQ(result.body.find("hunter2"), std::string::npos);
  rapidjson::Document settings;
  settings.Parse(result.body.c_str());
  EXPECT_STREQ(settings["server"]["database"]["password"].GetString(), "**********");
  EXPECT_STREQ(settings["server"]["database"]["connection_url"].GetString(), "**********");
  EXPECT_EQ(settings["server"]["api"]["port"].GetInt(), server_->port());
}

TEST_P(RootEndpoints, UnknownRouteIsNotFoundInPrefectsShape) {
  start();
  HttpResult result = get("/no/such/route");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.body, R"({"detail":"Not Found"})");
}

TEST_P(RootEndpoints, WrongMethodIsMethodNotAllowed) {
  start();
  HttpResult result = client_.request("POST", server_->api_url() + "/health", "{}");
  EXPECT_EQ(result.status, 405);
  EXPECT_EQ(result.body, R"({"detail":"Method Not Allowed"})");
}

TEST_P(RootEndpoints, TrailingSlashRedirectsToTheRegisteredForm) {
  start();
  HttpResult result = get("/health/");
  EXPECT_EQ(result.status, 307);
  EXPECT_EQ(result.headers["location"], "/api/health");
}

TEST_P(RootEndpoints, ApiVersionHeaderIsChecked) {
  start();
  EXPECT_EQ(get("/hello", {{"X-PREFECT-API-VERSION", "0.8.4"}}).status, 200);
  HttpResult malformed = get("/hello", {{"X-PREFECT-API-VERSION", "zero.eight"}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(
      malformed.body,
      R"({"detail":"Invalid X-PREFECT-API-VERSION header format.Expected header in format 'x.y.z' but received zero.eight"})");
  HttpResult old = get("/hello", {{"X-PREFECT-API-VERSION", "0.7.9"}});
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(
      old.body,
      R"({"detail":"The request specified API version 0.7.9 but this server requires version 0.8.0 or higher."})");
  // /health sits outside the routers and ignores the header.
  EXPECT_EQ(get("/health", {{"X-PREFECT-API-VERSION", "nonsense"}}).status, 200);
}

TEST_P(RootEndpoints, CsrfTokenRefusedWhileProtectionIsDisabled) {
  start();
  HttpResult result = get("/csrf-token?client=abc");
  EXPECT_EQ(result.status, 422);
  EXPECT_EQ(result.body, R"({"detail":"CSRF protection is disabled."})");
}

TEST_P(RootEndpoints, CsrfTokenNeedsAClient) {
  start({{"PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED", "true"}});
  HttpResult result = get("/csrf-token");
  EXPECT_EQ(result.status, 422);
  EXPECT_EQ(
      result.body,
      R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"missing","loc":["query","client"],"msg":"Field required","input":null}],"request_body":null})");
}

TEST_P(RootEndpoints, CsrfTokenIsIssuedAndRotated) {
  start({{"PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED", "true"}, {"PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION", "120"}});
  HttpResult first = get("/csrf-token?client=client-1");
  ASSERT_EQ(first.status, 200) << first.body;
  expect_contract("GET", "/csrf-token", first);
  rapidjson::Document token;
  token.Parse(first.body.c_str());
  EXPECT_STREQ(token["client"].GetString(), "client-1");
  EXPECT_TRUE(std::regex_match(token["token"].GetString(), std::regex("[0-9a-f]{64}")));
  EXPECT_TRUE(
      std::regex_match(token["expiration"].GetString(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")));

  HttpResult second = get("/csrf-token?client=client-1");
  rapidjson::Document rotated;
  rotated.Parse(second.body.c_str());
  EXPECT_STREQ(rotated["id"].GetString(), token["id"].GetString()) << "one row per client";
  EXPECT_STRNE(rotated["token"].GetString(), token["token"].GetString()) << "token must rotate";
  EXPECT_STREQ(rotated["created"].GetString(), token["created"].GetString());
  EXPECT_GE(std::string(rotated["updated"].GetString()), std::string(token["updated"].GetString()));
}

TEST_P(RootEndpoints, AccessLogHasOneLinePerRequestAndNoPassword) {
  start();
  get("/hello");
  get("/no/such/route");
  server_->stop(SIGTERM, std::chrono::seconds(15));
  std::string log = server_->output();
  EXPECT_NE(log.find("GET /api/hello 200 "), std::string::npos) << log;
  EXPECT_NE(log.find("GET /api/no/such/route 404 "), std::string::npos) << log;
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(GET /api/hello 200 \d+us)"))) << log;
  // The test PostgreSQL password is "pre fect@pw"; neither form may leak.
  EXPECT_EQ(log.find("pre fect@pw"), std::string::npos);
  EXPECT_EQ(log.find("pre%20fect%40pw"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, RootEndpoints, testing::ValuesIn(backend_names()),
                         testing_support::backend_test_name);

}  // namespace
}  // namespace prefectd
