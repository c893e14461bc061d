// Block types, schemas, documents and capabilities over HTTP on each
// backend, every JSON answer checked against the OpenAPI contract.
#include "support/openapi_contract.h"
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <string>

namespace prefectd {
namespace {

using namespace testing_support;

// Computed with Prefect's own algorithm (json.dumps(([fields'], {}),
// sort_keys=True), secret_fields removed, block definitions dropped).
constexpr const char *kCredsChecksum = "sha256:303418099ef267f1b1ac74ec437890144a5d0cf2a5c1a9041a6c8ced6065bdbd";
constexpr const char *kWarehouseChecksum = "sha256:8e8849a439f8c1a42a8e5432c512923046db180c0b9e18013090490959cb028f";

const std::string kCredsFields =
    R"({"title": "DatabaseCreds", "type": "object", "properties": {"user": {"type": "string"}, "password": {"type": "string", "format": "password", "writeOnly": true}}, "secret_fields": ["password"], "block_type_slug": "database-creds", "block_schema_references": {}})";
const std::string kWarehouseFields =
    R"({"title": "Warehouse", "type": "object", "properties": {"api_key": {"type": "string"}, "options": {"type": "object"}, "region": {"$ref": "#/definitions/Region"}, "creds": {"$ref": "#/definitions/DatabaseCreds"}}, "secret_fields": ["api_key", "options.*", "creds.password"], "block_type_slug": "warehouse", "block_schema_references": {"creds": {"block_type_slug": "database-creds", "block_schema_checksum": "sha256:303418099ef267f1b1ac74ec437890144a5d0cf2a5c1a9041a6c8ced6065bdbd"}}, "definitions": {"DatabaseCreds": )" +
    kCredsFields + R"(, "Region": {"title": "Region", "enum": ["eu", "us"], "type": "string"}}})";

class Blocks : public RunApiTest {
 protected:
  // An error answer: Prefect's contract documents no error statuses but
  // 422, so only the {"detail": ...} shape is checked.
  JsonAnswer refused(const std::string &method, const std::string &path, const std::string &body = "") {
    HttpResult result = method == "GET" ? get(path) : send(method, path, body);
    JsonAnswer answer;
    answer.status = result.status;
    answer.body = result.body;
    answer.json = parse_json(result.body);
    EXPECT_TRUE(answer.json.IsObject() && answer.json.HasMember("detail")) << result.body;
    return answer;
  }

  std::string create_type(const std::string &name, const std::string &slug) {
    JsonAnswer type =
        call("POST", "/block_types/", "/block_types/", R"({"name": ")" + name + R"(", "slug": ")" + slug + R"("})");
    EXPECT_EQ(type.status, 201) << type.body;
    return type.json["id"].GetString();
  }

  JsonAnswer create_schema(const std::string &type_id, const std::string &fields,
                           const std::string &capabilities = "[]", const std::string &version = "") {
    std::string body =
        R"({"block_type_id": ")" + type_id + R"(", "fields": )" + fields + R"(, "capabilities": )" + capabilities;
    if (!version.empty()) body += R"(, "version": ")" + version + R"(")";
    return call("POST", "/block_schemas/", "/block_schemas/", body + "}");
  }

  JsonAnswer create_document(const std::string &name, const std::string &type_id, const std::string &schema_id,
                             const std::string &data) {
    return call("POST", "/block_documents/", "/block_documents/",
                R"({"name": ")" + name + R"(", "block_type_id": ")" + type_id + R"(", "block_schema_id": ")" +
                    schema_id + R"(", "data": )" + data + "}");
  }

  JsonAnswer read_document(const std::string &id, bool include_secrets) {
    return call("GET", "/block_documents/" + id + (include_secrets ? "?include_secrets=true" : ""),
                "/block_documents/{id}");
  }

  // The creds and warehouse types, the warehouse schema (which registers
  // the creds schema it nests), a creds document and a warehouse document
  // referring to it.
  struct Fixture {
    std::string creds_type, warehouse_type, creds_schema, warehouse_schema, creds_document, warehouse_document;
  };

  Fixture nested_fixture() {
    Fixture f;
    f.creds_type = create_type("Database Creds", "database-creds");
    f.warehouse_type = create_type("Warehouse", "warehouse");
    JsonAnswer warehouse_schema = create_schema(f.warehouse_type, kWarehouseFields, R"(["query"])");
    EXPECT_EQ(warehouse_schema.status, 201) << warehouse_schema.body;
    f.warehouse_schema = warehouse_schema.json["id"].GetString();
    JsonAnswer creds_schema =
        call("GET", std::string("/block_schemas/checksum/") + kCredsChecksum, "/block_schemas/checksum/{checksum}");
    EXPECT_EQ(creds_schema.status, 200) << creds_schema.body;
    f.creds_schema = creds_schema.json["id"].GetString();
    JsonAnswer creds =
        create_document("prod-creds", f.creds_type, f.creds_schema, R"({"user": "etl", "password": "hunter2"})");
    EXPECT_EQ(creds.status, 201) << creds.body;
    f.creds_document = creds.json["id"].GetString();
    JsonAnswer warehouse = create_document(
        "prod", f.warehouse_type, f.warehouse_schema,
        R"({"api_key": "k-123", "region": "eu", "options": {"token": "t-1", "nested": {"deep": "d-1"}}, "creds": {"$ref": {"block_document_id": ")" +
            f.creds_document + R"("}}})");
    EXPECT_EQ(warehouse.status, 201) << warehouse.body;
    f.warehouse_document = warehouse.json["id"].GetString();
    return f;
  }
};

TEST_P(Blocks, BlockTypeCreateReadUpdateDelete) {
  const std::string id = create_type("My Thing", "my-thing");
  EXPECT_EQ(call("GET", "/block_types/" + id, "/block_types/{id}").json["slug"], "my-thing");
  EXPECT_EQ(call("GET", "/block_types/slug/my-thing", "/block_types/slug/{slug}").json["name"], "My Thing");
  EXPECT_EQ(call("PATCH", "/block_types/" + id, "/block_types/{id}", R"({"description": "described"})").status, 204);
  JsonAnswer read = call("GET", "/block_types/" + id, "/block_types/{id}");
  EXPECT_EQ(read.json["description"], "described");
  EXPECT_TRUE(read.json["logo_url"].IsNull());
  EXPECT_EQ(call("DELETE", "/block_types/" + id, "/block_types/{id}").status, 204);
  EXPECT_EQ(refused("GET", "/block_types/" + id).status, 404);
}

TEST_P(Blocks, BlockTypeTextIsHtmlEscapedOnCreateButNotOnUpdate) {
  JsonAnswer created = call("POST", "/block_types/", "/block_types/",
                            R"({"name": "Escaped", "slug": "escaped", "description": "a < b & \"c\"",
                                "code_example": "x > y"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["description"], "a &lt; b &amp; \"c\"");
  EXPECT_EQ(created.json["code_example"], "x &gt; y");
  const std::string id = created.json["id"].GetString();
  EXPECT_EQ(call("PATCH", "/block_types/" + id, "/block_types/{id}", R"({"description": "a < b"})").status, 204);
  EXPECT_EQ(call("GET", "/block_types/" + id, "/block_types/{id}").json["description"], "a < b");
}

TEST_P(Blocks, BlockTypeRefusals) {
  JsonAnswer reserved = refused("POST", "/block_types/", R"({"name": "PrefectThing", "slug": "x"})");
  EXPECT_EQ(reserved.status, 403);
  EXPECT_EQ(reserved.json["detail"], "Block type names beginning with 'Prefect' are reserved.");
  create_type("Thing", "thing");
  JsonAnswer duplicate = refused("POST", "/block_types/", R"({"name": "Thing", "slug": "thing"})");
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(duplicate.json["detail"], "Block type with name \"Thing\" already exists");
  const std::string missing = "/block_types/00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(refused("GET", missing).json["detail"], "Block type not found");
  EXPECT_EQ(refused("GET", "/block_types/slug/nope").status, 404);
  EXPECT_EQ(refused("PATCH", missing, R"({"description": "x"})").status, 404);
  EXPECT_EQ(refused("DELETE", missing).status, 404);
}

TEST_P(Blocks, SystemBlockTypesAreProtected) {
  EXPECT_EQ(call("POST", "/block_types/install_system_block_types", "/block_types/install_system_block_types").status,
            200);
  // Installing twice changes nothing.
  EXPECT_EQ(call("POST", "/block_types/install_system_block_types", "/block_types/install_system_block_types").status,
            200);
  JsonAnswer secret = call("GET", "/block_types/slug/secret", "/block_types/slug/{slug}");
  ASSERT_EQ(secret.status, 200);
  EXPECT_TRUE(secret.json["is_protected"].GetBool());
  const std::string id = secret.json["id"].GetString();
  JsonAnswer protected_type = refused("DELETE", "/block_types/" + id);
  EXPECT_EQ(protected_type.status, 403);
  EXPECT_EQ(protected_type.json["detail"], "protected block types cannot be deleted.");
  JsonAnswer schemas = call("POST", "/block_schemas/filter", "/block_schemas/filter",
                            R"({"block_schemas": {"block_type_id": {"any_": [")" + id + R"("]}}})");
  ASSERT_EQ(schemas.json.Size(), 1u);
  const std::string schema_id = schemas.json[0]["id"].GetString();
  EXPECT_EQ(refused("DELETE", "/block_schemas/" + schema_id).status, 403);
  JsonAnswer types = call("POST", "/block_types/filter", "/block_types/filter", "{}");
  EXPECT_EQ(types.json.Size(), 3u);
}

TEST_P(Blocks, BlockTypeFilterByNameAndSchemaCapability) {
  const std::string creds = create_type("Creds", "creds");
  create_type("Storage", "storage");
  ASSERT_EQ(create_schema(creds, R"({"title": "Creds"})", R"(["secret-store"])").status, 201);
  JsonAnswer by_name =
      call("POST", "/block_types/filter", "/block_types/filter", R"({"block_types": {"name": {"like_": "tor"}}})");
  ASSERT_EQ(by_name.json.Size(), 1u);
  EXPECT_EQ(by_name.json[0]["slug"], "storage");
  JsonAnswer by_capability = call("POST", "/block_types/filter", "/block_types/filter",
                                  R"({"block_schemas": {"block_capabilities": {"all_": ["secret-store"]}}})");
  ASSERT_EQ(by_capability.json.Size(), 1u);
  EXPECT_EQ(by_capability.json[0]["slug"], "creds");
}

TEST_P(Blocks, BlockSchemaChecksumIsPrefectsAndCreateIsIdempotent) {
  const std::string creds = create_type("Database Creds", "database-creds");
  JsonAnswer first = create_schema(creds, kCredsFields);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.json["checksum"], kCredsChecksum);
  EXPECT_EQ(first.json["version"], "non-versioned");
  // Prefect sets 200 at run time on a route documented as 201: the body is the same model.
  HttpResult repeated =
      send("POST", "/block_schemas/", R"({"block_type_id": ")" + creds + R"(", "fields": )" + kCredsFields + "}");
  EXPECT_EQ(repeated.status, 200);
  EXPECT_EQ(contract_violation("POST", "/block_schemas/", 201, repeated.body), "");
  rapidjson::Document again = parse_json(repeated.body);
  EXPECT_EQ(again["id"], first.json["id"]);
  JsonAnswer versioned = create_schema(creds, kCredsFields, "[]", "2.0");
  EXPECT_EQ(versioned.status, 201);
  EXPECT_NE(versioned.json["id"], first.json["id"]);
  JsonAnswer by_version = call("GET", std::string("/block_schemas/checksum/") + kCredsChecksum + "?version=2.0",
                               "/block_schemas/checksum/{checksum}");
  EXPECT_EQ(by_version.json["id"], versioned.json["id"]);
  JsonAnswer filtered = call("POST", "/block_schemas/filter", "/block_schemas/filter",
                             R"({"block_schemas": {"version": {"any_": ["2.0"]}}})");
  ASSERT_EQ(filtered.json.Size(), 1u);
  EXPECT_EQ(filtered.json[0]["id"], versioned.json["id"]);
}

TEST_P(Blocks, BlockSchemaRefusalsAndDelete) {
  JsonAnswer no_type =
      refused("POST", "/block_schemas/", R"({"block_type_id": "00000000-0000-4000-8000-000000000000", "fields": {}})");
  EXPECT_EQ(no_type.status, 404);
  const std::string warehouse = create_type("Warehouse", "warehouse");
  // Its nested block's type was never registered.
  JsonAnswer unknown_nested = refused(
      "POST", "/block_schemas/", R"({"block_type_id": ")" + warehouse + R"(", "fields": )" + kWarehouseFields + "}");
  EXPECT_EQ(unknown_nested.status, 409);
  EXPECT_EQ(refused("GET", "/block_schemas/00000000-0000-4000-8000-000000000000").json["detail"],
            "Block schema not found");
  EXPECT_EQ(refused("GET", "/block_schemas/checksum/sha256:nope").status, 404);
  JsonAnswer plain = create_schema(warehouse, R"({"title": "Plain"})", R"(["b", "a"])");
  const std::string id = plain.json["id"].GetString();
  JsonAnswer capabilities = call("GET", "/block_capabilities/", "/block_capabilities/");
  ASSERT_EQ(capabilities.json.Size(), 2u);
  EXPECT_EQ(capabilities.json[0], "a");
  EXPECT_EQ(call("DELETE", "/block_schemas/" + id, "/block_schemas/{id}").status, 204);
  EXPECT_EQ(refused("DELETE", "/block_schemas/" + id).status, 404);
}

TEST_P(Blocks, NestedSchemaIsRegisteredAndRebuiltOnRead) {
  Fixture f = nested_fixture();
  JsonAnswer schema = call("GET", "/block_schemas/" + f.warehouse_schema, "/block_schemas/{id}");
  EXPECT_EQ(schema.json["checksum"], kWarehouseChecksum);
  const rapidjson::Value &fields = schema.json["fields"];
  EXPECT_EQ(fields["block_schema_references"]["creds"]["block_schema_checksum"], kCredsChecksum);
  EXPECT_EQ(fields["block_schema_references"]["creds"]["block_type_slug"], "database-creds");
  EXPECT_TRUE(fields["definitions"].HasMember("Region"));
  EXPECT_EQ(fields["definitions"]["DatabaseCreds"]["title"], "DatabaseCreds");
  EXPECT_EQ(schema.json["capabilities"][0], "query");
}

TEST_P(Blocks, DocumentRoundTripWithSecretsAndReferences) {
  Fixture f = nested_fixture();

  JsonAnswer masked = read_document(f.warehouse_document, false);
  ASSERT_EQ(masked.status, 200) << masked.body;
  const rapidjson::Value &data = masked.json["data"];
  EXPECT_EQ(data["api_key"], "********");
  EXPECT_EQ(data["region"], "eu");
  EXPECT_EQ(data["options"]["token"], "********");
  EXPECT_EQ(data["options"]["nested"]["deep"], "********");
  EXPECT_EQ(data["creds"]["user"], "etl");
  EXPECT_EQ(data["creds"]["password"], "********");
  const rapidjson::Value &reference = masked.json["block_document_references"]["creds"]["block_document"];
  EXPECT_EQ(reference["id"], f.creds_document.c_str());
  EXPECT_EQ(reference["name"], "prod-creds");
  EXPECT_EQ(reference["block_type"]["slug"], "database-creds");
  EXPECT_EQ(masked.json["block_schema"]["id"], f.warehouse_schema.c_str());
  EXPECT_EQ(masked.json["block_type_name"], "Warehouse");

  JsonAnswer revealed = read_document(f.warehouse_document, true);
  EXPECT_EQ(revealed.json["data"]["api_key"], "k-123");
  EXPECT_EQ(revealed.json["data"]["options"]["nested"]["deep"], "d-1");
  EXPECT_EQ(revealed.json["data"]["creds"]["password"], "hunter2");

  JsonAnswer by_name = call("GET", "/block_types/slug/warehouse/block_documents/name/prod?include_secrets=true",
                            "/block_types/slug/{slug}/block_documents/name/{block_document_name}");
  EXPECT_EQ(by_name.json["id"], f.warehouse_document.c_str());
  EXPECT_EQ(by_name.json["data"]["creds"]["password"], "hunter2");

  // One field patched; the others, secrets included, stay.
  EXPECT_EQ(
      call("PATCH", "/block_documents/" + f.creds_document, "/block_documents/{id}", R"({"data": {"user": "loader"}})")
          .status,
      204);
  JsonAnswer patched = read_document(f.creds_document, true);
  EXPECT_EQ(patched.json["data"]["user"], "loader");
  EXPECT_EQ(patched.json["data"]["password"], "hunter2");

  // Posting a masked read back keeps the stored secrets.
  EXPECT_EQ(call("PATCH", "/block_documents/" + f.creds_document, "/block_documents/{id}",
                 R"({"data": {"user": "loader", "password": "********"}, "merge_existing_data": false})")
                .status,
            204);
  EXPECT_EQ(read_document(f.creds_document, true).json["data"]["password"], "hunter2");

  // Deleting the referenced document takes the reference with it (ON DELETE CASCADE).
  EXPECT_EQ(call("DELETE", "/block_documents/" + f.creds_document, "/block_documents/{id}").status, 204);
  JsonAnswer orphan = read_document(f.warehouse_document, true);
  ASSERT_EQ(orphan.status, 200);
  EXPECT_FALSE(orphan.json["data"].HasMember("creds"));
  EXPECT_EQ(orphan.json["block_document_references"].MemberCount(), 0u);
  EXPECT_EQ(orphan.json["data"]["api_key"], "k-123");
}

TEST_P(Blocks, DocumentsShowTheirBlockTypeAsPatched) {
  Fixture f = nested_fixture();
  // The first read remembers the schema; the patch must still show.
  EXPECT_EQ(read_document(f.creds_document, false).status, 200);
  JsonAnswer patched = call("PATCH", "/block_types/" + f.creds_type, "/block_types/{id}",
                            R"({"description": "Credentials of the warehouse"})");
  EXPECT_EQ(patched.status, 204) << patched.body;
  JsonAnswer read = read_document(f.creds_document, false);
  EXPECT_STREQ(read.json["block_type"]["description"].GetString(), "Credentials of the warehouse");
  EXPECT_STREQ(read.json["block_schema"]["block_type"]["description"].GetString(), "Credentials of the warehouse");
}

TEST_P(Blocks, ReplacingDataWithoutMergeDropsUnsentFields) {
  Fixture f = nested_fixture();
  EXPECT_EQ(call("PATCH", "/block_documents/" + f.creds_document, "/block_documents/{id}",
                 R"({"data": {"user": "only"}, "merge_existing_data": false})")
                .status,
            204);
  JsonAnswer replaced = read_document(f.creds_document, true);
  EXPECT_EQ(replaced.json["data"]["user"], "only");
  EXPECT_FALSE(replaced.json["data"].HasMember("password"));
}

TEST_P(Blocks, DocumentRefusals) {
  Fixture f = nested_fixture();
  JsonAnswer duplicate = refused("POST", "/block_documents/",
                                 R"({"name": "prod-creds", "block_type_id": ")" + f.creds_type +
                                     R"(", "block_schema_id": ")" + f.creds_schema + R"(", "data": {}})");
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(duplicate.json["detail"], "Block already exists");
  JsonAnswer bad_reference =
      refused("POST", "/block_documents/",
              R"({"name": "bad", "block_type_id": ")" + f.warehouse_type + R"(", "block_schema_id": ")" +
                  f.warehouse_schema + R"(", "data": {"creds": {"$ref": {}}}})");
  EXPECT_EQ(bad_reference.status, 400);
  EXPECT_EQ(bad_reference.json["detail"], "Received block reference without a block_document_id in key creds");
  JsonAnswer cycle =
      refused("PATCH", "/block_documents/" + f.creds_document,
              R"({"data": {"loop": {"$ref": {"block_document_id": ")" + f.warehouse_document + R"("}}}})");
  EXPECT_EQ(cycle.status, 400);
  JsonAnswer nameless = call(
      "POST", "/block_documents/", "/block_documents/",
      R"({"block_type_id": ")" + f.creds_type + R"(", "block_schema_id": ")" + f.creds_schema + R"(", "data": {}})");
  EXPECT_EQ(nameless.status, 422);
  const std::string missing = "/block_documents/00000000-0000-4000-8000-000000000000";
  EXPECT_EQ(refused("GET", missing).json["detail"], "Block document not found");
  EXPECT_EQ(refused("PATCH", missing, R"({"data": {}})").status, 404);
  EXPECT_EQ(refused("DELETE", missing).status, 404);
  EXPECT_EQ(refused("GET", "/block_types/slug/warehouse/block_documents/name/nope").status, 404);
  EXPECT_EQ(refused("GET", "/block_types/slug/nope/block_documents").status, 404);
}

TEST_P(Blocks, FilterAndCountLeaveAnonymousDocumentsOutByDefault) {
  Fixture f = nested_fixture();
  JsonAnswer anonymous = call("POST", "/block_documents/", "/block_documents/",
                              R"({"is_anonymous": true, "block_type_id": ")" + f.creds_type +
                                  R"(", "block_schema_id": ")" + f.creds_schema + R"(", "data": {"user": "a"}})");
  ASSERT_EQ(anonymous.status, 201) << anonymous.body;
  EXPECT_EQ(std::string(anonymous.json["name"].GetString()).rfind("anonymous-", 0), 0u);

  JsonAnswer named = call("POST", "/block_documents/filter", "/block_documents/filter", "{}");
  ASSERT_EQ(named.json.Size(), 2u);
  EXPECT_EQ(named.json[0]["name"], "prod");  // NAME_ASC
  EXPECT_EQ(named.json[0]["data"]["api_key"], "********");
  EXPECT_EQ(call("POST", "/block_documents/count", "/block_documents/count", "{}").body, "2");
  EXPECT_EQ(
      call("POST", "/block_documents/count", "/block_documents/count", R"({"block_documents": {"is_anonymous": null}})")
          .body,
      "3");
  JsonAnswer of_type =
      call("POST", "/block_documents/filter", "/block_documents/filter",
           R"({"block_types": {"slug": {"any_": ["database-creds"]}}, "include_secrets": true, "sort": "NAME_DESC"})");
  ASSERT_EQ(of_type.json.Size(), 1u);
  EXPECT_EQ(of_type.json[0]["data"]["password"], "hunter2");
  JsonAnswer by_capability = call("POST", "/block_documents/filter", "/block_documents/filter",
                                  R"({"block_schemas": {"block_capabilities": {"all_": ["query"]}}})");
  ASSERT_EQ(by_capability.json.Size(), 1u);
  EXPECT_EQ(by_capability.json[0]["name"], "prod");
  JsonAnswer listed =
      call("GET", "/block_types/slug/database-creds/block_documents", "/block_types/slug/{slug}/block_documents");
  ASSERT_EQ(listed.json.Size(), 1u);
  EXPECT_EQ(listed.json[0]["data"]["password"], "********");
}

INSTANTIATE_TEST_SUITE_P(Backends, Blocks, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
