#include "block_schemas.h"

#include "block_types.h"
#include "core/python_json.h"
#include "database/database_interface.h"
#include "filters/block_schema_filter.h"

#include <algorithm>
#include <map>
#include <set>

namespace prefectd {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

// Prefect refuses reference chains deeper than this when reading documents;
// schemas get the same bound so a bad row cannot recurse forever.
constexpr int kMaxNesting = 50;

const std::string kSchemaColumns =
    "block_schema.id, block_schema.created, block_schema.updated, block_schema.checksum, block_schema.fields, "
    "block_schema.block_type_id, block_schema.capabilities, block_schema.version, " +
    block_type_columns("bt") +
    // Most schemas nest nothing: this spares them the recursive reference query.
    ", EXISTS (SELECT 1 FROM block_schema_reference nested WHERE nested.parent_block_schema_id = block_schema.id)";
const std::string kSchemaJoin = " JOIN block_type bt ON bt.id = block_schema.block_type_id";

struct SchemaNode {
  Uuid id;
  std::string checksum;
  std::string fields_json;
  std::string slug;
};

struct SchemaEdge {
  std::string name;
  Uuid parent;
  Uuid child;
};

// The schemas below one root, with the references linking them.
struct SchemaGraph {
  std::vector<SchemaNode> nodes;  // first one per checksum wins, as in Prefect
  std::vector<SchemaEdge> edges;

  const SchemaNode *by_checksum(const std::string &checksum) const {
    for (const SchemaNode &node : nodes)
      if (node.checksum == checksum) return &node;
    return nullptr;
  }
};

SchemaGraph load_graph(DatabaseInterface &database, Session &session, const Uuid &root) {
  const QueryComponents &q = database.queries();
  Statement rows = session.prepare(
      "WITH RECURSIVE refs(name, parent_id, child_id, depth) AS ("
      "SELECT name, parent_block_schema_id, reference_block_schema_id, 1 FROM block_schema_reference "
      "WHERE parent_block_schema_id = " +
      q.placeholder(1) +
      " UNION ALL SELECT r.name, r.parent_block_schema_id, r.reference_block_schema_id, refs.depth + 1 "
      "FROM block_schema_reference r JOIN refs ON r.parent_block_schema_id = refs.child_id WHERE refs.depth < " +
      std::to_string(kMaxNesting) +
      ") SELECT refs.name, refs.parent_id, s.id, s.checksum, s.fields, bt.slug FROM refs "
      "JOIN block_schema s ON s.id = refs.child_id JOIN block_type bt ON bt.id = s.block_type_id");
  rows.bind(1, root);
  SchemaGraph graph;
  while (rows.step()) {
    graph.edges.push_back({*rows.text(0), *rows.uuid(1), *rows.uuid(2)});
    graph.nodes.push_back({*rows.uuid(2), *rows.text(3), rows.json(4).value_or("{}"), *rows.text(5)});
  }
  return graph;
}

// object[key] = value, keeping key's place when it exists (a Python dict assignment).
void assign(rapidjson::Value &object, const char *key, rapidjson::Value &value, Allocator &allocator) {
  if (auto member = object.FindMember(key); member != object.MemberEnd())
    member->value = value;
  else
    object.AddMember(rapidjson::Value(key, allocator), value, allocator);
}

rapidjson::Value parsed(const std::string &json, Allocator &allocator) {
  rapidjson::Document document(&allocator);
  document.Parse(json.c_str());
  rapidjson::Value value(rapidjson::kObjectType);
  if (!document.HasParseError() && document.IsObject()) value.CopyFrom(document, allocator);
  return value;
}

// Prefect's _construct_full_block_schema: the stored fields plus
// block_schema_references (one {checksum, slug} per reference name, a list
// when a name holds several) and each referenced schema's fields under its
// title in definitions, its own definitions flattened in.
rapidjson::Value rebuilt_fields(const Uuid &id, const std::string &stored_json, const SchemaGraph &graph,
                                Allocator &allocator, int depth) {
  rapidjson::Value fields = parsed(stored_json, allocator);
  if (depth > kMaxNesting) return fields;
  rapidjson::Value references(rapidjson::kObjectType);
  for (const SchemaEdge &edge : graph.edges) {
    if (edge.parent != id) continue;
    const SchemaNode *child = nullptr;
    for (const SchemaNode &node : graph.nodes)
      if (node.id == edge.child) child = &node;
    if (!child) continue;
    rapidjson::Value reference(rapidjson::kObjectType);
    reference.AddMember("block_schema_checksum", rapidjson::Value(child->checksum.c_str(), allocator), allocator);
    reference.AddMember("block_type_slug", rapidjson::Value(child->slug.c_str(), allocator), allocator);
    auto existing = references.FindMember(edge.name.c_str());
    if (existing == references.MemberEnd()) {
      references.AddMember(rapidjson::Value(edge.name.c_str(), allocator), reference, allocator);
    } else if (existing->value.IsArray()) {
      const auto &list = existing->value.GetArray();
      if (std::find(list.begin(), list.end(), reference) == list.end()) existing->value.PushBack(reference, allocator);
    } else if (existing->value != reference) {
      rapidjson::Value list(rapidjson::kArrayType);
      list.PushBack(existing->value, allocator);
      list.PushBack(reference, allocator);
      existing->value = list;
    }
  }

  rapidjson::Value definitions(rapidjson::kObjectType);
  auto add_child_definitions = [&](const rapidjson::Value &reference) {
    auto checksum = reference.FindMember("block_schema_checksum");
    if (checksum == reference.MemberEnd() || !checksum->value.IsString()) return;
    const SchemaNode *child = graph.by_checksum(checksum->value.GetString());
    if (!child) return;
    rapidjson::Value child_fields = rebuilt_fields(child->id, child->fields_json, graph, allocator, depth + 1);
    auto title = child_fields.FindMember("title");
    if (title == child_fields.MemberEnd() || !title->value.IsString()) return;
    const std::string title_text = title->value.GetString();
    rapidjson::Value child_definitions(rapidjson::kObjectType);
    if (auto nested = child_fields.FindMember("definitions"); nested != child_fields.MemberEnd()) {
      if (nested->value.IsObject()) child_definitions = nested->value;
      child_fields.RemoveMember(nested);
    }
    assign(definitions, title_text.c_str(), child_fields, allocator);
    for (auto &member : child_definitions.GetObject())
      assign(definitions, member.name.GetString(), member.value, allocator);
  };
  for (const auto &member : references.GetObject()) {
    if (member.value.IsArray()) {
      for (const auto &reference : member.value.GetArray()) add_child_definitions(reference);
    } else {
      add_child_definitions(member.value);
    }
  }
  assign(fields, "block_schema_references", references, allocator);

  auto stored_definitions = fields.FindMember("definitions");
  const bool has_stored = stored_definitions != fields.MemberEnd() && stored_definitions->value.IsObject() &&
                          !stored_definitions->value.ObjectEmpty();
  if (!definitions.ObjectEmpty() || has_stored) {
    rapidjson::Value merged(rapidjson::kObjectType);
    if (has_stored) merged.CopyFrom(stored_definitions->value, allocator);
    for (auto &member : definitions.GetObject()) assign(merged, member.name.GetString(), member.value, allocator);
    assign(fields, "definitions", merged, allocator);
  }
  return fields;
}

// The schema in the current row of a statement selecting kSchemaColumns,
// and whether it references others (its fields need rebuilding).
struct SchemaRow {
  BlockSchema schema;
  bool has_references;
};

SchemaRow schema_row(const Statement &row) {
  BlockSchema schema{*row.uuid(0),           *row.timestamp(1),          *row.timestamp(2),
                     *row.text(3),           row.json(4).value_or("{}"), *row.uuid(5),
                     block_type_row(row, 8), row.json(6).value_or("[]"), *row.text(7)};
  return {std::move(schema), row.boolean(18).value_or(true)};
}

void rebuild(DatabaseInterface &database, Session &session, BlockSchema &schema) {
  const SchemaGraph graph = load_graph(database, session, schema.id);
  rapidjson::Document document;
  rapidjson::Value fields = rebuilt_fields(schema.id, schema.fields_json, graph, document.GetAllocator(), 0);
  schema.fields_json = to_python_json(fields);
}

std::vector<BlockSchema> rows_to_schemas(DatabaseInterface &database, Session &session, Statement &rows) {
  std::vector<SchemaRow> found;
  while (rows.step()) found.push_back(schema_row(rows));
  // Rebuilt after the rows are read: one statement at a time on the session.
  std::vector<BlockSchema> schemas;
  for (SchemaRow &row : found) {
    if (row.has_references) {
      rebuild(database, session, row.schema);
    } else {
      rapidjson::Document fields;
      fields.Parse(row.schema.fields_json.c_str());
      if (!fields.HasParseError() && fields.IsObject()) {
        // What rebuilding gives a schema without references.
        rapidjson::Value empty(rapidjson::kObjectType);
        assign(fields, "block_schema_references", empty, fields.GetAllocator());
        row.schema.fields_json = to_python_json(fields);
      }
    }
    schemas.push_back(std::move(row.schema));
  }
  return schemas;
}

std::optional<BlockSchema> first_schema(DatabaseInterface &database, Session &session, Statement &rows) {
  auto schemas = rows_to_schemas(database, session, rows);
  if (schemas.empty()) return std::nullopt;
  return std::move(schemas.front());
}

// Prefect's _get_fields_for_child_schema: the definition the parent's
// property `name` refers to (the one of `slug` when it refers to several).
const rapidjson::Value *child_schema_fields(const rapidjson::Value &definitions, const rapidjson::Value &parent_fields,
                                            const std::string &name, const std::string &slug) {
  auto properties = parent_fields.FindMember("properties");
  if (properties == parent_fields.MemberEnd() || !properties->value.IsObject()) return nullptr;
  auto property = properties->value.FindMember(name.c_str());
  if (property == properties->value.MemberEnd()) return nullptr;
  std::vector<std::string> references;
  collect_reference_strings(property->value, references);
  auto definition_for = [&](std::string key) -> const rapidjson::Value * {
    constexpr std::string_view kPrefix = "#/definitions/";
    if (auto at = key.find(kPrefix); at != std::string::npos) key.erase(at, kPrefix.size());
    auto found = definitions.FindMember(key.c_str());
    return found == definitions.MemberEnd() ? nullptr : &found->value;
  };
  if (references.size() == 1) return definition_for(references.front());
  for (const std::string &reference : references) {
    const rapidjson::Value *definition = definition_for(reference);
    if (!definition || !definition->IsObject()) continue;
    auto definition_slug = definition->FindMember("block_type_slug");
    if (definition_slug != definition->MemberEnd() && definition_slug->value.IsString() &&
        slug == definition_slug->value.GetString())
      return definition;
  }
  return nullptr;
}

CreatedBlockSchema create_with_definitions(DatabaseInterface &database, Session &session,
                                           const BlockSchemaValues &values, bool override,
                                           const rapidjson::Value *definitions_argument, int depth) {
  if (depth > kMaxNesting) throw std::runtime_error("Block schema references nest too deeply");
  const QueryComponents &q = database.queries();
  rapidjson::Document document;
  Allocator &allocator = document.GetAllocator();
  rapidjson::Value fields(rapidjson::kObjectType);
  if (values.fields.IsObject()) fields.CopyFrom(values.fields, allocator);

  rapidjson::Value definitions;
  if (definitions_argument && definitions_argument->IsObject() && !definitions_argument->ObjectEmpty()) {
    definitions.CopyFrom(*definitions_argument, allocator);
  } else if (auto own = fields.FindMember("definitions");
             own != fields.MemberEnd() && own->value.IsObject() && !own->value.ObjectEmpty()) {
    definitions.CopyFrom(own->value, allocator);
  }
  const bool has_definitions = definitions.IsObject();
  if (has_definitions) {
    rapidjson::Value copy(definitions, allocator);
    assign(fields, "definitions", copy, allocator);
  }
  const std::string checksum = block_schema_checksum(fields);
  if (auto existing = read_block_schema_by_checksum(database, session, checksum, values.version); existing)
    return {std::move(*existing), false};

  if (has_definitions) {
    rapidjson::Value kept = non_block_reference_definitions(fields, definitions, allocator);
    if (kept.ObjectEmpty())
      fields.RemoveMember("definitions");
    else
      fields["definitions"] = kept;
  }
  rapidjson::Value references(rapidjson::kObjectType);
  if (auto stored = fields.FindMember("block_schema_references"); stored != fields.MemberEnd()) {
    if (stored->value.IsObject()) references = stored->value;
    fields.RemoveMember(stored);
  }

  const Timestamp now = Timestamp::now();
  std::string sql =
      "INSERT INTO block_schema (id, created, updated, checksum, fields, block_type_id, capabilities, "
      "version) VALUES (" +
      q.placeholder_list(1, 8) + ")";
  if (override)
    sql += q.upsert_clause(database.upsert_columns("block_schema"),
                           {"updated", "fields", "block_type_id", "capabilities"});
  session.prepare(sql)
      .bind(1, Uuid::v4())
      .bind(2, now)
      .bind(3, now)
      .bind(4, checksum)
      .bind_json(5, to_python_json(fields))
      .bind(6, values.block_type_id)
      .bind_json(7, values.capabilities_json)
      .bind(8, values.version)
      .execute();
  auto created = read_block_schema_by_checksum(database, session, checksum, values.version);
  if (!created) throw std::runtime_error("block schema " + checksum + " vanished after its insert");

  for (const auto &member : references.GetObject()) {
    const std::string name = member.name.GetString();
    std::vector<const rapidjson::Value *> entries;
    if (member.value.IsArray()) {
      for (const auto &entry : member.value.GetArray()) entries.push_back(&entry);
    } else {
      entries.push_back(&member.value);
    }
    for (const rapidjson::Value *entry : entries) {
      auto slug_member =
          entry->IsObject() ? entry->FindMember("block_type_slug") : rapidjson::Value::ConstMemberIterator();
      const std::string slug = entry->IsObject() && slug_member != entry->MemberEnd() && slug_member->value.IsString()
                                   ? slug_member->value.GetString()
                                   : "";
      auto type = read_block_type_by_slug(database, session, slug);
      if (!type)
        throw MissingBlockType("Cannot create block schema because block type '" + slug +
                               "' was not found.Did you forget to register the block type?");
      auto checksum_member = entry->FindMember("block_schema_checksum");
      const std::string child_checksum = checksum_member != entry->MemberEnd() && checksum_member->value.IsString()
                                             ? checksum_member->value.GetString()
                                             : "";
      auto child = read_block_schema_by_checksum(database, session, child_checksum, std::nullopt);
      if (!child) {
        if (!has_definitions)
          throw std::runtime_error(
              "Unable to create nested block schema due to missing definitions in root block "
              "schema fields");
        const rapidjson::Value *child_fields = child_schema_fields(definitions, fields, name, slug);
        if (!child_fields)
          throw std::runtime_error("Unable to create nested block schema for block type '" + type->name +
                                   "' due to missing definition.");
        child = create_with_definitions(database, session, BlockSchemaValues{*child_fields, type->id}, override,
                                        &definitions, depth + 1)
                    .block_schema;
      }
      session
          .prepare(
              "INSERT INTO block_schema_reference (id, created, updated, name, parent_block_schema_id, "
              "reference_block_schema_id) VALUES (" +
              q.placeholder_list(1, 6) + ")")
          .bind(1, Uuid::v4())
          .bind(2, now)
          .bind(3, now)
          .bind(4, name)
          .bind(5, created->id)
          .bind(6, child->id)
          .execute();
    }
  }
  if (!references.ObjectEmpty()) rebuild(database, session, *created);
  return {std::move(*created), true};
}

}  // namespace

CreatedBlockSchema create_block_schema(DatabaseInterface &database, Session &session, const BlockSchemaValues &values,
                                       bool override) {
  return create_with_definitions(database, session, values, override, nullptr, 0);
}

std::optional<BlockSchema> read_block_schema(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement rows = session.prepare("SELECT " + kSchemaColumns + " FROM block_schema" + kSchemaJoin +
                                   " WHERE block_schema.id = " + database.queries().placeholder(1));
  rows.bind(1, id);
  return first_schema(database, session, rows);
}

std::optional<BlockSchema> read_block_schema_by_checksum(DatabaseInterface &database, Session &session,
                                                         const std::string &checksum,
                                                         const std::optional<std::string> &version) {
  const QueryComponents &q = database.queries();
  std::string sql = "SELECT " + kSchemaColumns + " FROM block_schema" + kSchemaJoin +
                    " WHERE block_schema.checksum = " + q.placeholder(1);
  if (version) sql += " AND block_schema.version = " + q.placeholder(2);
  sql += " ORDER BY block_schema.created DESC LIMIT 1";
  Statement rows = session.prepare(sql);
  rows.bind(1, checksum);
  if (version) rows.bind(2, *version);
  return first_schema(database, session, rows);
}

std::vector<BlockSchema> read_block_schemas(DatabaseInterface &database, Session &session,
                                            const rapidjson::Value *block_schema_filter, const Page &page) {
  FilteredQuery query(database.queries(), "block_schema");
  if (block_schema_filter)
    query.where(block_schema_filter_condition(query.sql(), *block_schema_filter, "block_schema"));
  query.join(kSchemaJoin);
  Statement rows = query.select(session, kSchemaColumns, "block_schema.created DESC", page);
  return rows_to_schemas(database, session, rows);
}

bool delete_block_schema(DatabaseInterface &database, Session &session, const Uuid &id) {
  return session.prepare("DELETE FROM block_schema WHERE id = " + database.queries().placeholder(1))
             .bind(1, id)
             .execute() > 0;
}

std::vector<std::string> read_block_capabilities(DatabaseInterface &database, Session &session) {
  (void)database;
  Statement rows = session.prepare("SELECT capabilities FROM block_schema");
  std::set<std::string> capabilities;
  while (rows.step()) {
    rapidjson::Document list;
    list.Parse(rows.json(0).value_or("[]").c_str());
    if (list.HasParseError() || !list.IsArray()) continue;
    for (const auto &item : list.GetArray())
      if (item.IsString()) capabilities.emplace(item.GetString(), item.GetStringLength());
  }
  return {capabilities.begin(), capabilities.end()};
}

}  // namespace prefectd
