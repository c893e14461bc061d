// The block_document table: create (data Fernet-encrypted, top-level
// {"$ref": {"block_document_id": ...}} values stored as
// block_document_reference rows), read with references expanded and
// secrets masked unless asked for, update with Prefect's merge and
// secret-preserving rules, delete, filter, count.
#pragma once

#include "filters/filtered_query.h"
#include "schemas/block_document.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

// A reference Prefect refuses with 400 (no block_document_id, a cycle,
// a schema of another block type); the message is Prefect's.
class InvalidBlockReference : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A referenced row that does not exist (Prefect hits a foreign key: 409).
class MissingBlockRow : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BlockDocumentValues {
  std::optional<std::string> name;  // anonymous documents get "anonymous-<uuid>" when absent
  const rapidjson::Value &data;
  Uuid block_schema_id;
  Uuid block_type_id;
  bool is_anonymous = false;
};

// The filters of /block_documents/filter and /count: any may be null.
// Without a BlockDocumentFilter, anonymous documents are left out.
struct BlockDocumentFilters {
  const rapidjson::Value *block_documents = nullptr;
  const rapidjson::Value *block_types = nullptr;
  const rapidjson::Value *block_schemas = nullptr;
};

bool block_document_name_taken(DatabaseInterface &database, Session &session, const Uuid &block_type_id,
                               const std::string &name);
// Throws InvalidBlockReference or MissingBlockRow.
BlockDocument create_block_document(DatabaseInterface &database, Session &session, const BlockDocumentValues &values);
std::optional<BlockDocument> read_block_document(DatabaseInterface &database, Session &session, const Uuid &id,
                                                 bool include_secrets);
bool block_document_exists(DatabaseInterface &database, Session &session, const Uuid &id);
std::optional<BlockDocument> read_block_document_by_name(DatabaseInterface &database, Session &session,
                                                         const std::string &block_type_slug, const std::string &name,
                                                         bool include_secrets);
// `sort` is a BlockDocumentSort value (NAME_ASC when empty).
std::vector<BlockDocument> read_block_documents(DatabaseInterface &database, Session &session,
                                                const BlockDocumentFilters &filters, bool include_secrets,
                                                std::string_view sort, const Page &page);
int64_t count_block_documents(DatabaseInterface &database, Session &session, const BlockDocumentFilters &filters);
// `update` is a BlockDocumentUpdate holding only the members the client
// sent. False when there is no such document. Throws
// InvalidBlockReference or MissingBlockRow.
bool update_block_document(DatabaseInterface &database, Session &session, const Uuid &id,
                           const rapidjson::Value &update);
// False when there is no such document. References to and from it go with it.
bool delete_block_document(DatabaseInterface &database, Session &session, const Uuid &id);

}  // namespace prefectd
