// POST /flows/filter, /flows/count, /flows/paginate and /flows/bulk_delete
// over HTTP on each backend, every success checked against the contract.
#include "support/api_test.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

rapidjson::Document parse(const std::string &json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  return document;
}

std::vector<std::string> names(const rapidjson::Value &flows) {
  std::vector<std::string> found;
  for (const auto &flow : flows.GetArray()) found.emplace_back(flow["name"].GetString());
  return found;
}

class FlowsFilter : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!IsSkipped() && start_server_in_setup_) start();
  }

  // Five flows: ingest-1..ingest-3 tagged "etl", report and cleanup.
  void create_flows() {
    for (const char *body : {R"({"name": "ingest-2", "tags": ["etl", "prod"]})", R"({"name": "report", "tags": []})",
                             R"({"name": "ingest-1", "tags": ["etl"]})", R"({"name": "cleanup", "tags": ["ops"]})",
                             R"({"name": "ingest-3", "tags": ["etl"]})"}) {
      ASSERT_EQ(send("POST", "/flows/", body).status, 201) << body;
    }
  }

  rapidjson::Document post(const std::string &path, const std::string &body) {
    HttpResult result = send("POST", path, body);
    EXPECT_EQ(result.status, 200) << path << " " << body << " -> " << result.body;
    expect_contract("POST", path, result);
    return parse(result.body);
  }

  bool start_server_in_setup_ = true;
};

TEST_P(FlowsFilter, FilterReturnsMatchingFlowsSortedByNameByDefault) {
  create_flows();
  auto all = post("/flows/filter", "");
  EXPECT_EQ(names(all), (std::vector<std::string>{"cleanup", "ingest-1", "ingest-2", "ingest-3", "report"}));
  auto etl = post("/flows/filter", R"({"flows": {"tags": {"all_": ["etl"]}}, "sort": "NAME_DESC"})");
  EXPECT_EQ(names(etl), (std::vector<std::string>{"ingest-3", "ingest-2", "ingest-1"}));
  auto like =
      post("/flows/filter", R"({"flows": {"operator": "or_", "name": {"like_": "PORT"}, "tags": {"all_": ["ops"]}}})");
  EXPECT_EQ(names(like), (std::vector<std::string>{"cleanup", "report"}));
}

TEST_P(FlowsFilter, FilterHonoursLimitOffsetAndSort) {
  create_flows();
  auto window = post("/flows/filter", R"({"limit": 2, "offset": 1, "sort": "NAME_ASC"})");
  EXPECT_EQ(names(window), (std::vector<std::string>{"ingest-1", "ingest-2"}));
  EXPECT_EQ(post("/flows/filter", R"({"limit": 0})").Size(), 0u);
  EXPECT_EQ(post("/flows/filter", R"({"offset": 10})").Size(), 0u);
  EXPECT_EQ(post("/flows/filter", R"({"limit": null, "flows": null})").Size(), 5u);
  auto newest_first = post("/flows/filter", R"({"sort": "CREATED_DESC", "limit": 1})");
  EXPECT_EQ(names(newest_first), std::vector<std::string>{"ingest-3"});
}

TEST_P(FlowsFilter, PresentButEmptyRelatedFilterRequiresARelatedRow) {
  create_flows();
  // No flow has a run or a deployment yet.
  EXPECT_EQ(post("/flows/filter", R"({"flow_runs": {}})").Size(), 0u);
  EXPECT_EQ(post("/flows/filter", R"({"deployments": {}})").Size(), 0u);
  EXPECT_EQ(post("/flows/filter", R"({"flows": {"deployment": {"is_null_": true}}})").Size(), 5u);
  EXPECT_EQ(post("/flows/filter", R"({"flows": {}})").Size(), 5u);
}

TEST_P(FlowsFilter, CountAnswersAPlainInteger) {
  create_flows();
  HttpResult all = send("POST", "/flows/count", "");
  EXPECT_EQ(all.status, 200);
  expect_contract("POST", "/flows/count", all);
  EXPECT_EQ(all.body, "5");
  HttpResult etl = send("POST", "/flows/count", R"({"flows": {"tags": {"all_": ["etl"]}}})");
  expect_contract("POST", "/flows/count", etl);
  EXPECT_EQ(etl.body, "3");
  EXPECT_EQ(send("POST", "/flows/count", R"({"task_runs": {}})").body, "0");
}

TEST_P(FlowsFilter, PaginateReturnsTheRequestedPageWithTotals) {
  create_flows();
  auto second = post("/flows/paginate", R"({"limit": 2, "page": 2})");
  EXPECT_EQ(names(second["results"]), (std::vector<std::string>{"ingest-2", "ingest-3"}));
  EXPECT_EQ(second["count"].GetInt(), 5);
  EXPECT_EQ(second["limit"].GetInt(), 2);
  EXPECT_EQ(second["pages"].GetInt(), 3);
  EXPECT_EQ(second["page"].GetInt(), 2);
  auto defaults = post("/flows/paginate", R"({"flows": {"tags": {"all_": ["etl"]}}})");
  EXPECT_EQ(defaults["results"].Size(), 3u);
  EXPECT_EQ(defaults["limit"].GetInt(), 200);
  EXPECT_EQ(defaults["pages"].GetInt(), 1);
  EXPECT_EQ(defaults["page"].GetInt(), 1);
  auto none = post("/flows/paginate", R"({"limit": 0})");
  EXPECT_EQ(none["results"].Size(), 0u);
  EXPECT_EQ(none["count"].GetInt(), 5);
  EXPECT_EQ(none["pages"].GetInt(), 0);
  auto beyond = post("/flows/paginate", R"({"limit": 2, "page": 9})");
  EXPECT_EQ(beyond["results"].Size(), 0u);
  EXPECT_EQ(beyond["pages"].GetInt(), 3);
}

// Prefect's LimitBody raises an HTTPException, so the 422 carries a plain
// "detail" string (not the HTTPValidationError the contract documents):
// the exact body is what is checked.
TEST_P(FlowsFilter, LimitAboveTheDefaultLimitIsPrefects422) {
  for (const char *path : {"/flows/filter", "/flows/paginate"}) {
    HttpResult result = send("POST", path, R"({"limit": 201})");
    EXPECT_EQ(result.status, 422) << path;
    EXPECT_EQ(result.body, R"({"detail":"Invalid limit: must be less than or equal to 200."})") << path;
  }
  HttpResult negative = send("POST", "/flows/filter", R"({"limit": -1})");
  EXPECT_EQ(negative.status, 422);
  EXPECT_EQ(negative.body, R"({"detail":"Invalid limit: must be greater than or equal to 0."})");
  HttpResult at_limit = send("POST", "/flows/filter", R"({"limit": 200})");
  EXPECT_EQ(at_limit.status, 200);
  expect_contract("POST", "/flows/filter", at_limit);
}

class FlowsFilterWithSmallLimit : public FlowsFilter {
 protected:
  FlowsFilterWithSmallLimit() { start_server_in_setup_ = false; }
};

TEST_P(FlowsFilterWithSmallLimit, TheDefaultLimitSettingBoundsAndDefaultsTheLimit) {
  start({{"PREFECT_SERVER_API_DEFAULT_LIMIT", "3"}});
  create_flows();
  EXPECT_EQ(post("/flows/filter", "{}").Size(), 3u);
  HttpResult above = send("POST", "/flows/filter", R"({"limit": 4})");
  EXPECT_EQ(above.status, 422);
  EXPECT_EQ(above.body, R"({"detail":"Invalid limit: must be less than or equal to 3."})");
  EXPECT_EQ(post("/flows/paginate", "{}")["pages"].GetInt(), 2);
}

TEST_P(FlowsFilter, BulkDeleteRemovesMatchingFlowsUpToTheLimit) {
  create_flows();
  auto deleted = post("/flows/bulk_delete", R"({"flows": {"tags": {"all_": ["etl"]}}, "limit": 2})");
  ASSERT_EQ(deleted["deleted"].Size(), 2u);
  std::set<std::string> gone;
  for (const auto &id : deleted["deleted"].GetArray()) {
    gone.insert(id.GetString());
    EXPECT_EQ(get(std::string("/flows/") + id.GetString()).status, 404);
  }
  // The first two by name went; ingest-3 stays.
  EXPECT_EQ(names(post("/flows/filter", R"({"flows": {"tags": {"all_": ["etl"]}}})")),
            std::vector<std::string>{"ingest-3"});
  auto none = post("/flows/bulk_delete", R"({"flows": {"name": {"any_": ["nobody"]}}})");
  EXPECT_EQ(none["deleted"].Size(), 0u);
  auto rest = post("/flows/bulk_delete", "{}");
  EXPECT_EQ(rest["deleted"].Size(), 3u);
  EXPECT_EQ(send("POST", "/flows/count", "").body, "0");
}

INSTANTIATE_TEST_SUITE_P(Backends, FlowsFilter, testing::ValuesIn(backend_names()), backend_test_name);
INSTANTIATE_TEST_SUITE_P(Backends, FlowsFilterWithSmallLimit, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
