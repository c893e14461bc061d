// Block auto-registration at start-up (PREFECT_SERVER_REGISTER_BLOCKS_ON_START)
// on each backend: the block types and schemas of the prefect package answer
// on a fresh server, a restart registers nothing twice and restores what was
// changed, and the setting off registers nothing.
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

// Prefect 3.8.2's package blocks and the checksums Block._calculate_schema_checksum
// gives them (rendered by tools/render_block_registry.py with the pydantic
// Prefect 3.8 locks).
const std::vector<std::pair<std::string, std::string>> kRegisteredBlocks = {
    {"webhook", "sha256:58bb03f0d84592252ad568ed9a8c899792ae5d0ad2dd4a2428e99674f9050cf1"},
    {"secret", "sha256:c078ed9c1e813e224c0b353d7ad4564a11d51d3198d9ac0686478165a1911c78"},
    {"local-file-system", "sha256:0fc8b7f936f38f465715ef2df4a817ac9fe38b80bb01d5c6c9649a6da6ae6971"},
    {"remote-file-system", "sha256:3bca63009aa57af6c7053fc17a2a336a1e1801bbb19ca2c5939b59afe435c531"},
    {"smb", "sha256:849cd014b777a64ee219f6b8b13c15b37c34ea4138d9224c4d45bf00ba2e4681"},
    {"slack-webhook", "sha256:415bae7e5906d98e387f8848ccdfd3f3b9cdf01624f08ca228709e1193ac005f"},
    {"ms-teams-webhook", "sha256:213ff858fcad8ecddb90a120636c5461fc8ad6fb2877188c9e79f07e6c390c7c"},
    {"pager-duty-webhook", "sha256:de1c58d6866ab7af94fd82376c50e9878dcc2ef5add586d5d5fb1103f4b47f40"},
    {"twilio-sms", "sha256:2ab73fedd20ff1c25ffcc47f5b4a7a86c70c307321af1262f9d03defba5c8cc6"},
    {"opsgenie-webhook", "sha256:417175c79387dc13c62c3cce63a0876816b5abeaf04138b5c71b10cbac07bcca"},
    {"mattermost-webhook", "sha256:34daad1160b59fb6d5c8fc59d09abb2cbf9c2283b7b9f6a76cbaad827002d14c"},
    {"discord-webhook", "sha256:b3ea94c0ce1573b22c0e7bf2457f5f52a210327e0f7be05c74970a246304b1e2"},
    {"custom-webhook", "sha256:b7621a8dbb0bd4b2be0e8daba5a7237e950a4f338ac1d997a688eb45c878a1fb"},
    {"sendgrid-email", "sha256:b67583d3b7ce215cd84a58ba42bb8936294cc1417ff3fe54d0fb08447932c6f2"},
};

class BlockRegistration : public RunApiTest {
 protected:
  void SetUp() override { ApiTest::SetUp(); }  // each test starts its own server

  void start_registering(bool registering) {
    start({{"PREFECT_SERVER_REGISTER_BLOCKS_ON_START", registering ? "true" : "false"}});
  }

  void restart_registering() {
    server_.reset();
    start_registering(true);
  }

  rapidjson::SizeType count(const char *route) {
    JsonAnswer answer = call("POST", route, route, "{}");
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.json.IsArray() ? answer.json.Size() : 0;
  }
};

TEST_P(BlockRegistration, EveryPackageBlockTypeAndSchemaAnswersOnAFreshServer) {
  start_registering(true);
  for (const auto &[slug, checksum] : kRegisteredBlocks) {
    JsonAnswer type = call("GET", "/block_types/slug/" + slug, "/block_types/slug/{slug}");
    ASSERT_EQ(type.status, 200) << slug;
    EXPECT_EQ(type.json["slug"], slug.c_str());
    const bool system = slug == "webhook" || slug == "secret" || slug == "local-file-system";
    EXPECT_EQ(type.json["is_protected"].GetBool(), system) << slug;

    JsonAnswer schema =
        call("GET", "/block_schemas/checksum/" + checksum + "?version=3.8.2", "/block_schemas/checksum/{checksum}");
    ASSERT_EQ(schema.status, 200) << slug;
    EXPECT_EQ(schema.json["checksum"], checksum.c_str());
    EXPECT_EQ(schema.json["version"], "3.8.2");
    EXPECT_EQ(schema.json["block_type_id"], type.json["id"]);
    EXPECT_EQ(schema.json["fields"]["block_type_slug"], slug.c_str());
  }
  EXPECT_EQ(count("/block_types/filter"), kRegisteredBlocks.size());
  EXPECT_EQ(count("/block_schemas/filter"), kRegisteredBlocks.size());
}

TEST_P(BlockRegistration, SchemasCarryTheirCapabilitiesAndSecretFields) {
  start_registering(true);
  JsonAnswer slack =
      call("GET", "/block_schemas/checksum/" + kRegisteredBlocks[5].second, "/block_schemas/checksum/{checksum}");
  ASSERT_EQ(slack.status, 200);
  EXPECT_EQ(slack.json["capabilities"][0u], "notify");
  EXPECT_EQ(slack.json["fields"]["secret_fields"][0u], "url");
  EXPECT_EQ(slack.json["fields"]["properties"]["url"]["position"].GetInt(), 1);
  JsonAnswer capabilities = call("GET", "/block_capabilities/", "/block_capabilities/");
  ASSERT_EQ(capabilities.json.Size(), 5u) << capabilities.body;
  EXPECT_EQ(capabilities.json[0u], "get-directory");
  EXPECT_EQ(capabilities.json[1u], "notify");
}

TEST_P(BlockRegistration, ARestartRegistersNothingTwiceAndRestoresTheTypes) {
  start_registering(true);
  JsonAnswer slack = call("GET", "/block_types/slug/slack-webhook", "/block_types/slug/{slug}");
  const std::string id = slack.json["id"].GetString();
  const std::string description = slack.json["description"].GetString();
  EXPECT_EQ(call("PATCH", "/block_types/" + id, "/block_types/{id}", R"({"description": "changed"})").status, 204);

  restart_registering();
  EXPECT_EQ(count("/block_types/filter"), kRegisteredBlocks.size());
  EXPECT_EQ(count("/block_schemas/filter"), kRegisteredBlocks.size());
  JsonAnswer again = call("GET", "/block_types/slug/slack-webhook", "/block_types/slug/{slug}");
  EXPECT_EQ(again.json["id"], id.c_str());  // updated by slug, not replaced
  EXPECT_EQ(again.json["description"], description.c_str());
}

TEST_P(BlockRegistration, TheSettingOffRegistersNothing) {
  start_registering(false);
  EXPECT_EQ(count("/block_types/filter"), 0u);
  EXPECT_EQ(count("/block_schemas/filter"), 0u);
  EXPECT_EQ(get("/block_types/slug/secret").status, 404);
}

// Prefect's own fixture (tests/blocks/test_core.py, TestAPICompatibility):
// MyRegisteredBlock(x: str, y: int = 1) has this checksum; the server must
// compute the same from the fields the client sends.
TEST_P(BlockRegistration, TheServerChecksumMatchesPrefectsOwnFixture) {
  start_registering(false);
  JsonAnswer type = call("POST", "/block_types/", "/block_types/", R"({"name": "x", "slug": "x"})");
  ASSERT_EQ(type.status, 201) << type.body;
  const std::string fields =
      R"({"title": "MyRegisteredBlock", "type": "object", "properties": {"x": {"title": "X", "type": "string", )"
      R"("position": 0}, "y": {"title": "Y", "default": 1, "type": "integer", "position": 1}}, )"
      R"("block_schema_references": {}, "block_type_slug": "myregisteredblock", "required": ["x"], )"
      R"("secret_fields": []})";
  JsonAnswer schema = call("POST", "/block_schemas/", "/block_schemas/",
                           R"({"block_type_id": ")" + std::string(type.json["id"].GetString()) + R"(", "fields": )" +
                               fields + R"(, "capabilities": []})");
  ASSERT_EQ(schema.status, 201) << schema.body;
  EXPECT_EQ(schema.json["checksum"], "sha256:0170f6bdcfdab859f8a7724becba29ad359b0116d0a3492356c1028369edbf8c");
}

INSTANTIATE_TEST_SUITE_P(Backends, BlockRegistration, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
