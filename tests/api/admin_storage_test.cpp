// GET, PUT and DELETE /admin/storage over HTTP on each backend, with block
// documents seeded by SQL (the blocks API is not part of this area), and
// the collection registry views prefectd ships.
#include "support/run_api_test.h"

#include "core/timestamp.h"
#include "core/uuid.h"
#include "database/database_interface.h"

#include <gtest/gtest.h>

#include <string>

namespace prefectd {
namespace {

using namespace testing_support;

constexpr const char *kStorageBlock = "5a5a5a5a-0000-4000-8000-000000000001";
constexpr const char *kSecretBlock = "5a5a5a5a-0000-4000-8000-000000000002";
constexpr const char *kMissingBlock = "5a5a5a5a-0000-4000-8000-000000000003";

class AdminStorage : public RunApiTest {
 protected:
  void SetUp() override {
    RunApiTest::SetUp();
    if (IsSkipped()) return;
    seed_block(kStorageBlock, "local-file-system", R"(["get-directory", "read-path", "write-path"])");
    seed_block(kSecretBlock, "secret", "[]");
  }

  // A block type, schema and document, the schema with `capabilities`.
  void seed_block(const char *document_id, const std::string &slug, const std::string &capabilities) {
    auto database = scratch_->open();
    Session session = database->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    const QueryComponents &q = database->queries();
    const Timestamp now = Timestamp::now();
    const Uuid type_id = Uuid::v4();
    const Uuid schema_id = Uuid::v4();
    session
        .prepare("INSERT INTO block_type (id, created, updated, name, slug, is_protected) VALUES (" +
                 q.placeholder_list(1, 6) + ")")
        .bind(1, type_id)
        .bind(2, now)
        .bind(3, now)
        .bind(4, slug)
        .bind(5, slug)
        .bind(6, false)
        .execute();
    session
        .prepare(
            "INSERT INTO block_schema (id, created, updated, checksum, fields, capabilities, version, "
            "block_type_id) VALUES (" +
            q.placeholder_list(1, 8) + ")")
        .bind(1, schema_id)
        .bind(2, now)
        .bind(3, now)
        .bind(4, "sha256:" + slug)
        .bind_json(5, "{}")
        .bind_json(6, capabilities)
        .bind(7, "3.8.2")
        .bind(8, type_id)
        .execute();
    session
        .prepare(
            "INSERT INTO block_document (id, created, updated, name, data, is_anonymous, block_type_name, "
            "block_type_id, block_schema_id) VALUES (" +
            q.placeholder_list(1, 9) + ")")
        .bind(1, *Uuid::parse(document_id))
        .bind(2, now)
        .bind(3, now)
        .bind(4, "my-" + slug)
        .bind_json(5, R"("token")")
        .bind(6, false)
        .bind(7, slug)
        .bind(8, type_id)
        .bind(9, schema_id)
        .execute();
    transaction.commit();
  }

  JsonAnswer read() { return call("GET", "/admin/storage", "/admin/storage"); }
  HttpResult put(const std::string &block_id) {
    return send("PUT", "/admin/storage", R"({"default_result_storage_block_id": ")" + block_id + R"("})");
  }
};

TEST_P(AdminStorage, NothingIsConfiguredAtFirst) {
  JsonAnswer storage = read();
  EXPECT_EQ(storage.status, 200);
  EXPECT_EQ(storage.body, R"({"default_result_storage_block_id":null})");
}

TEST_P(AdminStorage, PutSetsAStorageBlockAndDeleteClearsIt) {
  HttpResult set = put(kStorageBlock);
  EXPECT_EQ(set.status, 200) << set.body;
  expect_contract("PUT", "/admin/storage", set);
  EXPECT_EQ(set.body, std::string(R"({"default_result_storage_block_id":")") + kStorageBlock + R"("})");
  EXPECT_EQ(read().body, set.body);
  EXPECT_EQ(put(kStorageBlock).status, 200) << "setting it again is fine";

  EXPECT_EQ(call("DELETE", "/admin/storage", "/admin/storage").status, 204);
  EXPECT_EQ(read().body, R"({"default_result_storage_block_id":null})");
  EXPECT_EQ(call("DELETE", "/admin/storage", "/admin/storage").status, 204) << "clearing nothing is fine";
}

TEST_P(AdminStorage, AMissingBlockIs404) {
  HttpResult missing = put(kMissingBlock);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, std::string(R"({"detail":"Block document )") + kMissingBlock + R"( not found."})");
  EXPECT_EQ(read().body, R"({"default_result_storage_block_id":null})");
}

TEST_P(AdminStorage, ABlockWithoutWritePathIs422) {
  HttpResult refused = put(kSecretBlock);
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.body,
            std::string(R"({"detail":"Block document )") + kSecretBlock + R"( cannot be used for result storage."})");
}

TEST_P(AdminStorage, TheBlockIdIsRequired) {
  HttpResult invalid = send("PUT", "/admin/storage", "{}");
  EXPECT_EQ(invalid.status, 422);
  expect_contract("PUT", "/admin/storage", invalid);
}

TEST_P(AdminStorage, CollectionViewsAreServedFromTheShippedFiles) {
  JsonAnswer workers = call("GET", "/collections/views/aggregate-worker-metadata", "/collections/views/{view}");
  ASSERT_EQ(workers.status, 200) << workers.body;
  const auto &process = workers.json["prefect"]["process"];
  EXPECT_STREQ(process["type"].GetString(), "process");
  EXPECT_TRUE(process["default_base_job_configuration"]["variables"]["properties"].HasMember("working_dir"));
  for (const char *view : {"aggregate-block-metadata", "aggregate-flow-metadata", "demo-flows"}) {
    JsonAnswer answer = call("GET", std::string("/collections/views/") + view, "/collections/views/{view}");
    EXPECT_EQ(answer.status, 200) << view;
    EXPECT_TRUE(answer.json.IsObject()) << view;
  }
  HttpResult unknown = get("/collections/views/nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"({"detail":"View nope not found in registry"})");
}

INSTANTIATE_TEST_SUITE_P(Backends, AdminStorage, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
