// /variables over HTTP on each backend: create, read, update and delete by
// id and by name, filter and count, with Prefect's validation and error
// bodies. Every documented answer is checked against the contract.
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

constexpr const char *kMissingId = "7b1f3c0e-0000-4000-8000-000000000000";
constexpr const char *kNotFound = R"({"detail":"Variable not found."})";

class Variables : public RunApiTest {
 protected:
  JsonAnswer create(const std::string &body) { return call("POST", "/variables/", "/variables/", body); }

  std::string create_id(const std::string &body) {
    JsonAnswer created = create(body);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json["id"].GetString();
  }

  JsonAnswer read_by_name(const std::string &name) {
    return call("GET", "/variables/name/" + name, "/variables/name/{name}");
  }

  JsonAnswer filter(const std::string &body) { return call("POST", "/variables/filter", "/variables/filter", body); }

  std::vector<std::string> names(const std::string &filter_body) {
    JsonAnswer answer = filter(filter_body);
    EXPECT_EQ(answer.status, 200) << answer.body;
    std::vector<std::string> found;
    for (const auto &variable : answer.json.GetArray()) found.emplace_back(variable["name"].GetString());
    return found;
  }
};

TEST_P(Variables, CreateStoresAnyJsonValue) {
  const std::vector<std::pair<std::string, std::string>> values = {{"text", R"("hello")"},
                                                                   {"number", "42"},
                                                                   {"real", "2.5"},
                                                                   {"flag", "true"},
                                                                   {"nothing", "null"},
                                                                   {"list", R"([1,"two",null])"},
                                                                   {"object", R"({"a":{"b":[1]}})"}};
  for (const auto &[name, value] : values) {
    JsonAnswer created = create(R"({"name": ")" + name + R"(", "value": )" + value + "}");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.json["tags"].Size(), 0u);
    JsonAnswer read = read_by_name(name);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json["value"], parse_json(value)) << name;
  }
}

TEST_P(Variables, CreateReturnsTheVariableWithItsTags) {
  JsonAnswer created = create(R"({"name": "db-url_1", "value": "x", "tags": ["a", "b"]})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_STREQ(created.json["name"].GetString(), "db-url_1");
  EXPECT_STREQ(created.json["tags"][1].GetString(), "b");
  EXPECT_STREQ(created.json["created"].GetString(), created.json["updated"].GetString());
}

TEST_P(Variables, ADuplicateNameIs409WithPrefectsMessage) {
  create_id(R"({"name": "shared", "value": 1})");
  HttpResult again = send("POST", "/variables/", R"({"name": "shared", "value": 2})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body, R"({"detail":"A variable with the name 'shared' already exists."})");
}

TEST_P(Variables, ANameOutsideLowercaseDigitsDashesAndUnderscoresIs422) {
  JsonAnswer bad = create(R"({"name": "My.Var", "value": 1})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body, R"({"exception_message":"Invalid request received.","exception_detail":[{"type":"value_error",)"
                      R"("loc":["body","name"],"msg":"Value error, Variable name must only contain lowercase letters, )"
                      R"(numbers, and dashes or underscores.","input":"My.Var","ctx":{"error":{}}}],)"
                      R"("request_body":{"name":"My.Var","value":1}})");
}

TEST_P(Variables, AValueOver5000BytesIs422AndOneOfExactly5000IsKept) {
  // A JSON string of n characters serializes to n + 2 bytes.
  const std::string fits(4998, 'x');
  EXPECT_EQ(create(R"({"name": "fits", "value": ")" + fits + R"("})").status, 201);
  JsonAnswer bad = create(R"({"name": "too_big", "value": ")" + fits + R"(x"})");
  EXPECT_EQ(bad.status, 422);
  ASSERT_TRUE(bad.json.IsObject()) << bad.body;
  const auto &issue = bad.json["exception_detail"][0];
  EXPECT_STREQ(issue["type"].GetString(), "value_error");
  EXPECT_STREQ(issue["loc"][1].GetString(), "value");
  EXPECT_STREQ(issue["msg"].GetString(), "Value error, Variable value must be less than 5000 characters");
}

TEST_P(Variables, ReadByIdAndByName) {
  const std::string id = create_id(R"({"name": "region", "value": "eu"})");
  JsonAnswer by_id = call("GET", "/variables/" + id, "/variables/{id}");
  EXPECT_EQ(by_id.status, 200);
  EXPECT_STREQ(by_id.json["value"].GetString(), "eu");
  JsonAnswer by_name = read_by_name("region");
  EXPECT_EQ(by_name.status, 200);
  EXPECT_EQ(std::string(by_name.json["id"].GetString()), id);
}

TEST_P(Variables, MissingVariablesAre404) {
  for (const std::string &path : {std::string("/variables/") + kMissingId, std::string("/variables/name/nobody")}) {
    HttpResult read = get(path);
    EXPECT_EQ(read.status, 404) << path;
    EXPECT_EQ(read.body, kNotFound) << path;
    EXPECT_EQ(send("PATCH", path, R"({"value": 1})").body, kNotFound) << path;
    HttpResult removed = send("DELETE", path, "");
    EXPECT_EQ(removed.status, 404) << path;
    EXPECT_EQ(removed.body, kNotFound) << path;
  }
}

TEST_P(Variables, PatchByIdWritesOnlyTheSentFields) {
  const std::string id = create_id(R"({"name": "mode", "value": {"a": 1}, "tags": ["t"]})");
  JsonAnswer patched = call("PATCH", "/variables/" + id, "/variables/{id}", R"({"value": null})");
  EXPECT_EQ(patched.status, 204) << patched.body;
  JsonAnswer read = read_by_name("mode");
  EXPECT_TRUE(read.json["value"].IsNull());
  ASSERT_EQ(read.json["tags"].Size(), 1u) << "tags were not sent and stay";
  EXPECT_GT(std::string(read.json["updated"].GetString()), std::string(read.json["created"].GetString()));
}

TEST_P(Variables, PatchByNameRenamesAndRetags) {
  create_id(R"({"name": "old", "value": 1})");
  JsonAnswer patched =
      call("PATCH", "/variables/name/old", "/variables/name/{name}", R"({"name": "new", "tags": ["x"]})");
  EXPECT_EQ(patched.status, 204) << patched.body;
  EXPECT_EQ(get("/variables/name/old").status, 404);
  JsonAnswer read = read_by_name("new");
  EXPECT_EQ(read.json["value"].GetInt(), 1);
  EXPECT_STREQ(read.json["tags"][0].GetString(), "x");
}

TEST_P(Variables, PatchValidatesTheNewName) {
  const std::string id = create_id(R"({"name": "keep", "value": 1})");
  JsonAnswer bad = call("PATCH", "/variables/" + id, "/variables/{id}", R"({"name": "Not OK"})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_STREQ(bad.json["exception_detail"][0]["type"].GetString(), "value_error");
}

TEST_P(Variables, RenamingToATakenNameIsAnIntegrityConflict) {
  create_id(R"({"name": "first", "value": 1})");
  const std::string id = create_id(R"({"name": "second", "value": 2})");
  HttpResult clash = send("PATCH", "/variables/" + id, R"({"name": "first"})");
  EXPECT_EQ(clash.status, 409);
  EXPECT_NE(clash.body.find("Data integrity conflict"), std::string::npos) << clash.body;
  EXPECT_EQ(read_by_name("second").json["value"].GetInt(), 2) << "nothing changed";
}

TEST_P(Variables, DeleteByIdAndByName) {
  const std::string id = create_id(R"({"name": "one", "value": 1})");
  create_id(R"({"name": "two", "value": 2})");
  EXPECT_EQ(call("DELETE", "/variables/" + id, "/variables/{id}").status, 204);
  EXPECT_EQ(call("DELETE", "/variables/name/two", "/variables/name/{name}").status, 204);
  EXPECT_EQ(get("/variables/name/one").status, 404);
  EXPECT_EQ(get("/variables/name/two").status, 404);
  EXPECT_EQ(create(R"({"name": "one", "value": 3})").status, 201) << "the name is free again";
}

TEST_P(Variables, FilterByNameTagsAndIdWithSortsAndCount) {
  const std::string alpha = create_id(R"({"name": "alpha", "value": 1, "tags": ["prod", "db"]})");
  create_id(R"({"name": "beta", "value": 2, "tags": ["prod"]})");
  create_id(R"({"name": "gamma_db", "value": 3})");

  EXPECT_EQ(names("{}"), (std::vector<std::string>{"alpha", "beta", "gamma_db"})) << "NAME_ASC by default";
  EXPECT_EQ(names(R"({"sort": "NAME_DESC"})"), (std::vector<std::string>{"gamma_db", "beta", "alpha"}));
  EXPECT_EQ(names(R"({"sort": "CREATED_DESC", "limit": 1})"), (std::vector<std::string>{"gamma_db"}));
  EXPECT_EQ(names(R"({"offset": 2})"), (std::vector<std::string>{"gamma_db"}));
  EXPECT_EQ(names(R"({"variables": {"name": {"like_": "DB"}}})"), (std::vector<std::string>{"gamma_db"}));
  EXPECT_EQ(names(R"({"variables": {"name": {"any_": ["beta", "zeta"]}}})"), (std::vector<std::string>{"beta"}));
  EXPECT_EQ(names(R"({"variables": {"tags": {"all_": ["prod", "db"]}}})"), (std::vector<std::string>{"alpha"}));
  EXPECT_EQ(names(R"({"variables": {"tags": {"is_null_": true}}})"), (std::vector<std::string>{"gamma_db"}));
  EXPECT_EQ(names(R"({"variables": {"id": {"any_": [")" + alpha + R"("]}}})"), (std::vector<std::string>{"alpha"}));
  EXPECT_EQ(names(R"({"variables": {"operator": "or_", "name": {"any_": ["beta"]}, "tags": {"is_null_": true}}})"),
            (std::vector<std::string>{"beta", "gamma_db"}));

  JsonAnswer all = call("POST", "/variables/count", "/variables/count", "{}");
  EXPECT_EQ(all.body, "3");
  JsonAnswer prod =
      call("POST", "/variables/count", "/variables/count", R"({"variables": {"tags": {"all_": ["prod"]}}})");
  EXPECT_EQ(prod.body, "2");
}

TEST_P(Variables, FilterRejectsUnknownKeysAndLimitsAbove200) {
  JsonAnswer unknown = filter(R"({"variables": {"value": {"any_": [1]}}})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_STREQ(unknown.json["exception_detail"][0]["type"].GetString(), "extra_forbidden");
  HttpResult too_many = send("POST", "/variables/filter", R"({"limit": 201})");
  EXPECT_EQ(too_many.status, 422);
  EXPECT_EQ(too_many.body, R"({"detail":"Invalid limit: must be less than or equal to 200."})");
  EXPECT_EQ(call("POST", "/variables/count", "/variables/count", R"({"variables": {"nope": 1}})").status, 422);
}

INSTANTIATE_TEST_SUITE_P(Backends, Variables, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
