// Fernet tokens interchangeable with Python's cryptography.fernet, Prefect's
// schema checksum, and the masking of secret fields.
#include "core/fernet.h"
#include "schemas/block_document.h"
#include "schemas/block_schema.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string_view>

namespace prefectd {

std::string_view registered_block_types_text();  // embedded in prefectd_host

namespace {

constexpr const char *kKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

rapidjson::Document parse(const char *json) {
  rapidjson::Document document;
  document.Parse(json);
  return document;
}

TEST(Fernet, DecryptsATokenPythonMade) {
  // Fernet(kKey).encrypt(b'{"value": "s3cret"}') in Python.
  const char *token =
      "gAAAAABrBBJsFa_YFa5rW62HAHxK7hM9od0sMUL7zcKG6fItZWemJwdLt3VE7iPYawmQr9qSUXjvtner0u90qqPmsLP1p0ImO6_W55rRsnhG13Y"
      "YFeYKrrE=";
  EXPECT_EQ(Fernet(kKey).decrypt(token), std::optional<std::string>(R"({"value": "s3cret"})"));
}

TEST(Fernet, RoundTripsAndRejectsTamperingAndOtherKeys) {
  const Fernet fernet(kKey);
  const std::string token = fernet.encrypt("payload");
  EXPECT_EQ(fernet.decrypt(token), std::optional<std::string>("payload"));
  std::string tampered = token;
  tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(fernet.decrypt(tampered));
  EXPECT_FALSE(Fernet(Fernet::generate_key()).decrypt(token));
  EXPECT_THROW(Fernet("short"), std::invalid_argument);
}

TEST(BlockSchemaChecksum, IgnoresSecretFieldsAndMatchesPython) {
  // hashlib.sha256(json.dumps(([f], {}), sort_keys=True)) for f without secret_fields.
  auto fields =
      parse(R"({"title": "X", "type": "object", "properties": {"a": {"type": "string"}}, "secret_fields": ["a"]})");
  EXPECT_EQ(block_schema_checksum(fields), "sha256:41ec0f8af3b1c4f154e45b443e9d8d51ad58adfb19472f8b4a9e3cffb93d084d");
}

TEST(SecretFields, WildcardsMaskEverythingBelowAndNullsStay) {
  auto data = parse(R"({"a": "x", "b": null, "c": {"d": {"e": 1}, "f": []}, "g": {}})");
  auto secrets = parse(R"(["a", "b", "c.*", "g.*"])");
  obfuscate_secret_fields(data, secrets, data.GetAllocator());
  EXPECT_EQ(data["a"], "********");
  EXPECT_TRUE(data["b"].IsNull());
  EXPECT_EQ(data["c"]["d"]["e"], "********");
  EXPECT_EQ(data["c"]["f"], "********");
  // An empty object is a leaf of its own path, which "g.*" covers (Prefect's prefix test).
  EXPECT_EQ(data["g"], "********");
}

TEST(SecretFields, ObfuscatedValuesPostedBackKeepTheStoredSecret) {
  auto current = parse(R"({"a": "real", "h": {"k": "v"}})");
  auto update = parse(R"({"a": "********", "h": {"k": "********", "new": "n"}})");
  auto secrets = parse(R"(["a", "h.*"])");
  restore_obfuscated_secrets(update, current, secrets, update.GetAllocator());
  EXPECT_EQ(update["a"], "real");
  EXPECT_EQ(update["h"]["k"], "v");
  EXPECT_EQ(update["h"]["new"], "n");
}

// The shipped package blocks: the server's checksum of each schema is the one
// tools/render_block_registry.py computed as Prefect's client does.
TEST(RegisteredBlockTypes, ServerChecksumsMatchTheRenderedOnes) {
  const std::string_view text = registered_block_types_text();
  rapidjson::Document blocks;
  blocks.Parse(text.data(), text.size());
  ASSERT_TRUE(blocks.IsArray());
  EXPECT_EQ(blocks.Size(), 14u);
  for (const auto &block : blocks.GetArray()) {
    const rapidjson::Value &schema = block["block_schema"];
    EXPECT_EQ(block_schema_checksum(schema["fields"]), schema["checksum"].GetString())
        << block["block_type"]["slug"].GetString();
  }
}

}  // namespace
}  // namespace prefectd
