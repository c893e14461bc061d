#include "block_documents.h"

#include "block_encryption.h"
#include "block_schema_cache.h"
#include "block_schemas.h"
#include "block_types.h"
#include "core/python_json.h"
#include "database/database_interface.h"
#include "filters/block_document_filter.h"
#include "filters/block_schema_filter.h"
#include "filters/block_type_filter.h"

#include <map>
#include <set>
#include <utility>

namespace prefectd {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

// Prefect's _BLOCK_DOCUMENT_REFERENCE_MAX_DEPTH.
constexpr int kMaxReferenceDepth = 50;

const std::string kDocumentColumns =
    "block_document.id, block_document.created, block_document.updated, block_document.name, block_document.data, "
    "block_document.block_schema_id, block_document.block_type_id, block_document.block_type_name, "
    "block_document.is_anonymous, " +
    block_type_columns("bt") +
    // Most documents nest nothing: this spares them the reference query.
    ", EXISTS (SELECT 1 FROM block_document_reference nested WHERE nested.parent_block_document_id = "
    "block_document.id)";
const std::string kDocumentJoin = " JOIN block_type bt ON bt.id = block_document.block_type_id";

// A block_document row before decryption and reference expansion.
struct DocumentRow {
  BlockDocument document;
  std::string stored_data;
  bool has_references = true;
};

DocumentRow document_row(const Statement &row) {
  DocumentRow result;
  BlockDocument &document = result.document;
  document.id = *row.uuid(0);
  document.created = *row.timestamp(1);
  document.updated = *row.timestamp(2);
  document.name = *row.text(3);
  result.stored_data = row.json(4).value_or("{}");
  document.block_schema_id = *row.uuid(5);
  document.block_type_id = *row.uuid(6);
  document.block_type_name = row.text(7);
  document.is_anonymous = row.boolean(8).value_or(false);
  document.block_type = block_type_row(row, 9);
  result.has_references = row.boolean(19).value_or(true);
  return result;
}

std::vector<DocumentRow> document_rows(Statement &rows) {
  std::vector<DocumentRow> result;
  while (rows.step()) result.push_back(document_row(rows));
  return result;
}

// Everything one read needs more than once: the cipher and the schemas.
class DocumentReader {
 public:
  DocumentReader(DatabaseInterface &database, Session &session, bool include_secrets)
      : database_(database), session_(session), include_secrets_(include_secrets) {}

  // Decrypts, masks and expands references of `row`, and attaches its schema.
  BlockDocument complete(DocumentRow row, int depth = 0) {
    if (depth > kMaxReferenceDepth)
      throw std::runtime_error("Block document reference graph exceeds max depth " +
                               std::to_string(kMaxReferenceDepth) + "; refusing to recurse further.");
    BlockDocument document = std::move(row.document);
    Allocator &allocator = document.data.GetAllocator();
    document.data.SetObject();
    decrypt_into(row.stored_data, document.data);
    const BlockSchema &schema = block_schema(document.block_schema_id, document.block_type.updated);
    if (!include_secrets_) {
      rapidjson::Document fields;
      fields.Parse(schema.fields_json.c_str());
      if (!fields.HasParseError() && fields.IsObject())
        if (auto secret_fields = fields.FindMember("secret_fields"); secret_fields != fields.MemberEnd())
          obfuscate_secret_fields(document.data, secret_fields->value, allocator);
    }
    if (row.has_references) expand_references(document, depth);
    if (depth == 0) document.block_schema = schema;
    return document;
  }

 private:
  void expand_references(BlockDocument &document, int depth) {
    Allocator &allocator = document.data.GetAllocator();
    for (auto &[name, child_row] : references_of(document.id)) {
      BlockDocument child = complete(std::move(child_row), depth + 1);
      rapidjson::Value child_data(child.data, allocator);
      if (auto existing = document.data.FindMember(name.c_str()); existing != document.data.MemberEnd())
        existing->value = child_data;
      else
        document.data.AddMember(rapidjson::Value(name.c_str(), allocator), child_data, allocator);

      Allocator &references_allocator = document.references.GetAllocator();
      rapidjson::Value summary(rapidjson::kObjectType);
      summary.AddMember("id", rapidjson::Value(child.id.to_string().c_str(), references_allocator),
                        references_allocator);
      summary.AddMember("name", rapidjson::Value(child.name.c_str(), references_allocator), references_allocator);
      summary.AddMember("block_type", block_type_json(child.block_type, references_allocator), references_allocator);
      summary.AddMember("is_anonymous", child.is_anonymous, references_allocator);
      summary.AddMember("block_document_references", rapidjson::Value(child.references, references_allocator),
                        references_allocator);
      rapidjson::Value entry(rapidjson::kObjectType);
      entry.AddMember("block_document", summary, references_allocator);
      if (auto existing = document.references.FindMember(name.c_str()); existing != document.references.MemberEnd())
        existing->value = entry;
      else
        document.references.AddMember(rapidjson::Value(name.c_str(), references_allocator), entry,
                                      references_allocator);
    }
  }

  void decrypt_into(const std::string &stored, rapidjson::Document &data) {
    rapidjson::Document token;
    token.Parse(stored.c_str());
    if (token.HasParseError()) throw std::runtime_error("block document data is not JSON");
    if (token.IsObject()) {  // never encrypted: take it as it is
      data.CopyFrom(token, data.GetAllocator());
      return;
    }
    if (!token.IsString()) throw std::runtime_error("block document data is neither a token nor an object");
    if (!cipher_) cipher_.emplace(block_data_cipher(database_, session_, false));
    auto plaintext = cipher_->decrypt(std::string_view(token.GetString(), token.GetStringLength()));
    if (!plaintext) throw std::runtime_error("block document data does not decrypt with the configured key");
    data.Parse(plaintext->c_str(), plaintext->size());
    if (data.HasParseError() || !data.IsObject()) throw std::runtime_error("decrypted block data is not an object");
  }

  const BlockSchema &block_schema(const Uuid &id, Timestamp block_type_updated) {
    auto found = schemas_.find(id);
    if (found == schemas_.end()) {
      auto schema = known_schemas().find(id, block_type_updated);
      if (!schema) {
        schema = read_block_schema(database_, session_, id);
        if (!schema) throw std::runtime_error("block document refers to a missing block schema");
        known_schemas().remember(*schema);
      }
      found = schemas_.emplace(id, std::move(*schema)).first;
    }
    return found->second;
  }

  // Shared by every reader in the process: schema ids are UUIDs, so entries
  // of different databases cannot meet.
  static BlockSchemaCache &known_schemas() {
    static BlockSchemaCache cache;
    return cache;
  }

  std::vector<std::pair<std::string, DocumentRow>> references_of(const Uuid &parent) {
    Statement rows = session_.prepare(
        "SELECT r.name, " + kDocumentColumns +
        " FROM block_document_reference r JOIN block_document ON block_document.id = r.reference_block_document_id" +
        kDocumentJoin + " WHERE r.parent_block_document_id = " + database_.queries().placeholder(1) +
        " ORDER BY block_document.name");
    rows.bind(1, parent);
    std::vector<std::pair<std::string, DocumentRow>> references;
    while (rows.step()) {
      // The document columns start after the reference name.
      DocumentRow row;
      BlockDocument &document = row.document;
      document.id = *rows.uuid(1);
      document.created = *rows.timestamp(2);
      document.updated = *rows.timestamp(3);
      document.name = *rows.text(4);
      row.stored_data = rows.json(5).value_or("{}");
      document.block_schema_id = *rows.uuid(6);
      document.block_type_id = *rows.uuid(7);
      document.block_type_name = rows.text(8);
      document.is_anonymous = rows.boolean(9).value_or(false);
      document.block_type = block_type_row(rows, 10);
      row.has_references = rows.boolean(20).value_or(true);
      references.emplace_back(*rows.text(0), std::move(row));
    }
    return references;
  }

  DatabaseInterface &database_;
  Session &session_;
  bool include_secrets_;
  std::optional<Fernet> cipher_;
  std::map<Uuid, BlockSchema> schemas_;
};

std::vector<BlockDocument> complete_all(DatabaseInterface &database, Session &session, Statement &rows,
                                        bool include_secrets) {
  std::vector<DocumentRow> found = document_rows(rows);
  DocumentReader reader(database, session, include_secrets);
  std::vector<BlockDocument> documents;
  documents.reserve(found.size());
  for (DocumentRow &row : found) documents.push_back(reader.complete(std::move(row)));
  return documents;
}

std::optional<BlockDocument> first_document(std::vector<BlockDocument> documents) {
  if (documents.empty()) return std::nullopt;
  return std::move(documents.front());
}

std::string document_sort(std::string_view sort) {
  if (sort == "NAME_DESC") return "block_document.name DESC";
  if (sort == "BLOCK_TYPE_AND_NAME_ASC") return "block_document.block_type_name ASC, block_document.name ASC";
  return "block_document.name ASC";
}

FilteredQuery filtered_documents(const QueryComponents &queries, const BlockDocumentFilters &filters) {
  FilteredQuery query(queries, "block_document");
  SqlBuilder &sql = query.sql();
  if (filters.block_documents) {
    query.where(block_document_filter_condition(sql, *filters.block_documents, "block_document"));
  } else {
    query.where("block_document.is_anonymous = " + sql.param(false));
  }
  if (filters.block_types) {
    const std::string alias = sql.alias("block_type");
    const std::string condition = block_type_filter_condition(sql, *filters.block_types, alias);
    query.where("EXISTS (SELECT 1 FROM block_type " + alias + " WHERE " + alias +
                ".id = block_document.block_type_id AND " + condition + ")");
  }
  if (filters.block_schemas) {
    const std::string alias = sql.alias("block_schema");
    const std::string condition = block_schema_filter_condition(sql, *filters.block_schemas, alias);
    query.where("EXISTS (SELECT 1 FROM block_schema " + alias + " WHERE " + alias +
                ".id = block_document.block_schema_id AND " + condition + ")");
  }
  return query;
}

// Prefect's _separate_block_references_from_data: top-level values holding
// "$ref" become (field, referenced id) pairs, the rest stays data.
std::vector<std::pair<std::string, Uuid>> take_references(rapidjson::Value &data) {
  std::vector<std::pair<std::string, Uuid>> references;
  for (auto member = data.MemberBegin(); member != data.MemberEnd();) {
    const rapidjson::Value &value = member->value;
    auto ref = value.IsObject() ? value.FindMember("$ref") : value.MemberEnd();
    if (!value.IsObject() || ref == value.MemberEnd()) {
      ++member;
      continue;
    }
    const std::string key(member->name.GetString(), member->name.GetStringLength());
    std::optional<Uuid> id;
    if (ref->value.IsObject()) {
      auto target = ref->value.FindMember("block_document_id");
      if (target != ref->value.MemberEnd() && !target->value.IsNull()) {
        if (target->value.IsString()) id = Uuid::parse(target->value.GetString());
        if (!id)
          throw InvalidBlockReference("Received block reference with an invalid block_document_id in key " + key);
      }
    }
    if (!id) throw InvalidBlockReference("Received block reference without a block_document_id in key " + key);
    references.emplace_back(key, *id);
    member = data.EraseMember(member);
  }
  return references;
}

// Prefect's _block_document_reference_would_form_cycle.
bool would_form_cycle(DatabaseInterface &database, Session &session, const Uuid &parent, const Uuid &reference) {
  if (parent == reference) return true;
  std::set<Uuid> visited;
  std::vector<Uuid> stack{reference};
  while (!stack.empty()) {
    const Uuid current = stack.back();
    stack.pop_back();
    if (!visited.insert(current).second) continue;
    if (current == parent) return true;
    Statement children = session.prepare(
        "SELECT reference_block_document_id FROM block_document_reference WHERE parent_block_document_id = " +
        database.queries().placeholder(1));
    children.bind(1, current);
    while (children.step()) stack.push_back(*children.uuid(0));
  }
  return false;
}

void create_reference(DatabaseInterface &database, Session &session, const Uuid &parent, const std::string &name,
                      const Uuid &reference) {
  if (would_form_cycle(database, session, parent, reference))
    throw InvalidBlockReference(
        "Cannot create block document reference: it would introduce a cycle into the block_document_reference "
        "graph (parent=" +
        parent.to_string() + ", reference=" + reference.to_string() + ").");
  if (!block_document_exists(database, session, reference))
    throw MissingBlockRow("block document " + reference.to_string() + " does not exist");
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  session
      .prepare(
          "INSERT INTO block_document_reference (id, created, updated, name, parent_block_document_id, "
          "reference_block_document_id) VALUES (" +
          q.placeholder_list(1, 6) + ")")
      .bind(1, Uuid::v4())
      .bind(2, now)
      .bind(3, now)
      .bind(4, name)
      .bind(5, parent)
      .bind(6, reference)
      .execute();
}

// The data column's text: json.dumps(token) of the Fernet token of json.dumps(data).
std::string encrypted_data(DatabaseInterface &database, Session &session, const rapidjson::Value &data) {
  const std::string token = block_data_cipher(database, session, true).encrypt(to_python_json(data));
  return to_python_json(rapidjson::Value(rapidjson::StringRef(token.c_str(), token.size())));
}

// The current data of a document, decrypted (no references).
rapidjson::Value decrypted_data(DatabaseInterface &database, Session &session, const std::string &stored,
                                Allocator &allocator) {
  rapidjson::Document token;
  token.Parse(stored.c_str());
  rapidjson::Value data(rapidjson::kObjectType);
  if (token.HasParseError()) return data;
  if (token.IsObject()) {
    data.CopyFrom(token, allocator);
    return data;
  }
  if (!token.IsString()) return data;
  auto plaintext =
      block_data_cipher(database, session, true).decrypt(std::string_view(token.GetString(), token.GetStringLength()));
  if (!plaintext) throw std::runtime_error("block document data does not decrypt with the configured key");
  rapidjson::Document parsed(&allocator);
  parsed.Parse(plaintext->c_str(), plaintext->size());
  if (!parsed.HasParseError() && parsed.IsObject()) data.CopyFrom(parsed, allocator);
  return data;
}

}  // namespace

bool block_document_exists(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement read = session.prepare("SELECT 1 FROM block_document WHERE id = " + database.queries().placeholder(1));
  read.bind(1, id);
  return read.step();
}

bool block_document_name_taken(DatabaseInterface &database, Session &session, const Uuid &block_type_id,
                               const std::string &name) {
  const QueryComponents &q = database.queries();
  Statement read = session.prepare("SELECT 1 FROM block_document WHERE block_type_id = " + q.placeholder(1) +
                                   " AND name = " + q.placeholder(2));
  read.bind(1, block_type_id).bind(2, name);
  return read.step();
}

BlockDocument create_block_document(DatabaseInterface &database, Session &session, const BlockDocumentValues &values) {
  auto type = read_block_type(database, session, values.block_type_id);
  if (!type) throw MissingBlockRow("block type " + values.block_type_id.to_string() + " does not exist");
  if (!read_block_schema(database, session, values.block_schema_id))
    throw MissingBlockRow("block schema " + values.block_schema_id.to_string() + " does not exist");
  const std::string name = values.is_anonymous && (!values.name || values.name->empty())
                               ? "anonymous-" + Uuid::v4().to_string()
                               : values.name.value_or("");
  rapidjson::Document data;
  data.SetObject();
  if (values.data.IsObject()) data.CopyFrom(values.data, data.GetAllocator());
  const auto references = take_references(data);

  const QueryComponents &q = database.queries();
  const Uuid id = Uuid::v4();
  const Timestamp now = Timestamp::now();
  session
      .prepare(
          "INSERT INTO block_document (id, created, updated, name, data, block_schema_id, block_type_id, "
          "is_anonymous, block_type_name) VALUES (" +
          q.placeholder_list(1, 9) + ")")
      .bind(1, id)
      .bind(2, now)
      .bind(3, now)
      .bind(4, name)
      .bind_json(5, encrypted_data(database, session, data))
      .bind(6, values.block_schema_id)
      .bind(7, values.block_type_id)
      .bind(8, values.is_anonymous)
      .bind(9, type->name)
      .execute();
  for (const auto &[field, reference] : references) create_reference(database, session, id, field, reference);
  auto created = read_block_document(database, session, id, false);
  if (!created) throw std::runtime_error("block document vanished after its insert");
  return std::move(*created);
}

std::optional<BlockDocument> read_block_document(DatabaseInterface &database, Session &session, const Uuid &id,
                                                 bool include_secrets) {
  Statement rows = session.prepare("SELECT " + kDocumentColumns + " FROM block_document" + kDocumentJoin +
                                   " WHERE block_document.id = " + database.queries().placeholder(1));
  rows.bind(1, id);
  return first_document(complete_all(database, session, rows, include_secrets));
}

std::optional<BlockDocument> read_block_document_by_name(DatabaseInterface &database, Session &session,
                                                         const std::string &block_type_slug, const std::string &name,
                                                         bool include_secrets) {
  const QueryComponents &q = database.queries();
  Statement rows = session.prepare(
      "SELECT " + kDocumentColumns + " FROM block_document" + kDocumentJoin + " WHERE bt.slug = " + q.placeholder(1) +
      " AND block_document.name = " + q.placeholder(2) + " ORDER BY block_document.name LIMIT 1");
  rows.bind(1, block_type_slug).bind(2, name);
  return first_document(complete_all(database, session, rows, include_secrets));
}

std::vector<BlockDocument> read_block_documents(DatabaseInterface &database, Session &session,
                                                const BlockDocumentFilters &filters, bool include_secrets,
                                                std::string_view sort, const Page &page) {
  FilteredQuery query = filtered_documents(database.queries(), filters);
  query.join(kDocumentJoin);
  Statement rows = query.select(session, kDocumentColumns, document_sort(sort), page);
  return complete_all(database, session, rows, include_secrets);
}

int64_t count_block_documents(DatabaseInterface &database, Session &session, const BlockDocumentFilters &filters) {
  return filtered_documents(database.queries(), filters).count_rows(session);
}

bool update_block_document(DatabaseInterface &database, Session &session, const Uuid &id,
                           const rapidjson::Value &update) {
  const QueryComponents &q = database.queries();
  Statement current_row =
      session.prepare("SELECT data, block_schema_id, block_type_id FROM block_document WHERE id = " + q.placeholder(1));
  current_row.bind(1, id);
  if (!current_row.step()) return false;
  const std::string stored = current_row.json(0).value_or("{}");
  const Uuid current_schema_id = *current_row.uuid(1);
  const Uuid block_type_id = *current_row.uuid(2);

  auto merge_member = update.FindMember("merge_existing_data");
  const bool merge =
      merge_member == update.MemberEnd() || !merge_member->value.IsBool() || merge_member->value.GetBool();
  // Without merging, unsent members take their defaults: data {} and no schema change.
  auto data_member = update.FindMember("data");
  const bool has_data = data_member != update.MemberEnd() && data_member->value.IsObject();
  if (merge && !has_data) return true;

  rapidjson::Document document;
  Allocator &allocator = document.GetAllocator();
  rapidjson::Value data(rapidjson::kObjectType);
  if (has_data) data.CopyFrom(data_member->value, allocator);
  rapidjson::Value current = decrypted_data(database, session, stored, allocator);

  auto schema = read_block_schema(database, session, current_schema_id);
  if (schema) {
    rapidjson::Document fields;
    fields.Parse(schema->fields_json.c_str());
    if (!fields.HasParseError() && fields.IsObject())
      if (auto secret_fields = fields.FindMember("secret_fields"); secret_fields != fields.MemberEnd())
        restore_obfuscated_secrets(data, current, secret_fields->value, allocator);
  }
  if (merge) {
    for (auto &member : data.GetObject()) {
      if (auto existing = current.FindMember(member.name); existing != current.MemberEnd())
        existing->value = member.value;
      else
        current.AddMember(member.name, member.value, allocator);
    }
    data = current;
  }
  const auto new_references = take_references(data);
  session
      .prepare("UPDATE block_document SET data = " + q.placeholder(1) + ", updated = " + q.placeholder(2) +
               " WHERE id = " + q.placeholder(3))
      .bind_json(1, encrypted_data(database, session, data))
      .bind(2, Timestamp::now())
      .bind(3, id)
      .execute();

  auto proposed = update.FindMember("block_schema_id");
  if (proposed != update.MemberEnd() && proposed->value.IsString()) {
    const auto proposed_id = Uuid::parse(proposed->value.GetString());
    if (proposed_id && *proposed_id != current_schema_id) {
      auto proposed_schema = read_block_schema(database, session, *proposed_id);
      if (!proposed_schema) throw MissingBlockRow("Block schema " + proposed_id->to_string() + " not found");
      if (proposed_schema->block_type_id != block_type_id)
        throw InvalidBlockReference("Must migrate block document to a block schema of the same block type.");
      session
          .prepare("UPDATE block_document SET block_schema_id = " + q.placeholder(1) +
                   " WHERE id = " + q.placeholder(2))
          .bind(1, *proposed_id)
          .bind(2, id)
          .execute();
    }
  }

  struct CurrentReference {
    Uuid id;
    std::string name;
    Uuid reference;
  };
  std::vector<CurrentReference> current_references;
  {
    Statement rows = session.prepare(
        "SELECT id, name, reference_block_document_id FROM block_document_reference WHERE parent_block_document_id = " +
        q.placeholder(1));
    rows.bind(1, id);
    while (rows.step()) current_references.push_back({*rows.uuid(0), *rows.text(1), *rows.uuid(2)});
  }
  std::set<Uuid> unchanged;
  for (const auto &[name, reference] : new_references) {
    bool matched = false;
    for (const CurrentReference &existing : current_references) {
      if (existing.name == name && existing.reference == reference) {
        unchanged.insert(existing.id);
        matched = true;
        break;
      }
    }
    if (!matched) create_reference(database, session, id, name, reference);
  }
  for (const CurrentReference &existing : current_references) {
    if (unchanged.count(existing.id)) continue;
    session.prepare("DELETE FROM block_document_reference WHERE id = " + q.placeholder(1))
        .bind(1, existing.id)
        .execute();
  }
  return true;
}

bool delete_block_document(DatabaseInterface &database, Session &session, const Uuid &id) {
  return session.prepare("DELETE FROM block_document WHERE id = " + database.queries().placeholder(1))
             .bind(1, id)
             .execute() > 0;
}

}  // namespace prefectd
