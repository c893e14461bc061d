// /saved_searches over HTTP on each backend: PUT upserts by name (201 new,
// 200 replaced), read, delete, filter by name. Every documented answer is
// checked against the contract.
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

constexpr const char *kMissingId = "7b1f3c0e-0000-4000-8000-000000000000";
constexpr const char *kNotFound = R"({"detail":"Saved search not found"})";
constexpr const char *kFailedRuns =
    R"([{"object": "flow_run", "property": "state", "type": "string", "operation": "equals", "value": "FAILED"}])";

class SavedSearches : public RunApiTest {
 protected:
  JsonAnswer put(const std::string &body) { return call("PUT", "/saved_searches/", "/saved_searches/", body); }

  std::vector<std::string> names(const std::string &body) {
    JsonAnswer answer = call("POST", "/saved_searches/filter", "/saved_searches/filter", body);
    EXPECT_EQ(answer.status, 200) << answer.body;
    std::vector<std::string> found;
    if (!answer.json.IsArray()) return found;
    for (const auto &search : answer.json.GetArray()) found.emplace_back(search["name"].GetString());
    return found;
  }
};

TEST_P(SavedSearches, PutCreatesWith201AndDefaultsToNoFilters) {
  JsonAnswer created = put(R"({"name": "everything"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_STREQ(created.json["name"].GetString(), "everything");
  ASSERT_TRUE(created.json["filters"].IsArray());
  EXPECT_EQ(created.json["filters"].Size(), 0u);
}

TEST_P(SavedSearches, PutOnAnExistingNameReplacesItsFiltersWith200) {
  JsonAnswer created = put(R"({"name": "failures", "filters": []})");
  JsonAnswer replaced = put(std::string(R"({"name": "failures", "filters": )") + kFailedRuns + "}");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_STREQ(replaced.json["id"].GetString(), created.json["id"].GetString());
  ASSERT_EQ(replaced.json["filters"].Size(), 1u);
  EXPECT_STREQ(replaced.json["filters"][0]["value"].GetString(), "FAILED");
  JsonAnswer read =
      call("GET", std::string("/saved_searches/") + created.json["id"].GetString(), "/saved_searches/{id}");
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.json["filters"], replaced.json["filters"]);
}

TEST_P(SavedSearches, InvalidBodiesAre422) {
  EXPECT_EQ(put(R"({"filters": []})").status, 422) << "name is required";
  JsonAnswer incomplete = put(R"({"name": "x", "filters": [{"object": "flow"}]})");
  EXPECT_EQ(incomplete.status, 422) << "each filter needs all five fields";
  EXPECT_EQ(put(R"({"name": "x", "color": "red"})").status, 422) << "unknown keys are forbidden";
}

TEST_P(SavedSearches, MissingSearchesAre404) {
  const std::string path = std::string("/saved_searches/") + kMissingId;
  HttpResult read = get(path);
  EXPECT_EQ(read.status, 404);
  EXPECT_EQ(read.body, kNotFound);
  HttpResult removed = send("DELETE", path, "");
  EXPECT_EQ(removed.status, 404);
  EXPECT_EQ(removed.body, kNotFound);
}

TEST_P(SavedSearches, DeleteRemovesIt) {
  JsonAnswer created = put(R"({"name": "gone"})");
  const std::string id = created.json["id"].GetString();
  EXPECT_EQ(call("DELETE", "/saved_searches/" + id, "/saved_searches/{id}").status, 204);
  EXPECT_EQ(get("/saved_searches/" + id).status, 404);
}

TEST_P(SavedSearches, FilterListsByNameWithLimitAndOffset) {
  for (const char *name : {"charlie", "alpha", "bravo"}) put(std::string(R"({"name": ")") + name + R"("})");
  EXPECT_EQ(names("{}"), (std::vector<std::string>{"alpha", "bravo", "charlie"}));
  EXPECT_EQ(names(R"({"limit": 1, "offset": 1})"), (std::vector<std::string>{"bravo"}));
  JsonAnswer negative = call("POST", "/saved_searches/filter", "/saved_searches/filter", R"({"offset": -1})");
  EXPECT_EQ(negative.status, 422);
}

INSTANTIATE_TEST_SUITE_P(Backends, SavedSearches, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
