#include "block_types.h"

#include "database/database_interface.h"
#include "filters/block_schema_filter.h"
#include "filters/block_type_filter.h"

namespace prefectd {
namespace {

constexpr const char *kUpdatableColumns[] = {"logo_url", "documentation_url", "description", "code_example"};

std::optional<BlockType> first_block_type(Statement &statement) {
  if (!statement.step()) return std::nullopt;
  return block_type_row(statement, 0);
}

std::string select_block_type(const QueryComponents &q, const char *column) {
  return "SELECT " + block_type_columns("block_type") + " FROM block_type WHERE " + column + " = " + q.placeholder(1);
}

}  // namespace

std::string block_type_columns(const std::string &alias) {
  const std::string a = alias + ".";
  return a + "id, " + a + "created, " + a + "updated, " + a + "name, " + a + "slug, " + a + "logo_url, " + a +
         "documentation_url, " + a + "description, " + a + "code_example, " + a + "is_protected";
}

BlockType block_type_row(const Statement &statement, int first) {
  return BlockType{*statement.uuid(first),          *statement.timestamp(first + 1),
                   *statement.timestamp(first + 2), *statement.text(first + 3),
                   *statement.text(first + 4),      statement.text(first + 5),
                   statement.text(first + 6),       statement.text(first + 7),
                   statement.text(first + 8),       statement.boolean(first + 9).value_or(false)};
}

namespace {

std::string insert_sql(const QueryComponents &q) {
  std::string sql =
      "INSERT INTO block_type (id, created, updated, name, slug, logo_url, documentation_url, description, "
      "code_example, is_protected) VALUES (";
  for (int i = 1; i <= 10; ++i) sql += (i > 1 ? ", " : "") + q.placeholder(i);
  return sql + ")";
}

// Prefect's create_block_type stores description and code_example through
// html.escape(quote=False); updates store them as sent.
std::optional<std::string> html_escaped(const std::optional<std::string> &text) {
  if (!text) return std::nullopt;
  std::string escaped;
  escaped.reserve(text->size());
  for (char c : *text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

void bind_values(Statement &insert, const BlockTypeValues &values) {
  const Timestamp now = Timestamp::now();
  insert.bind(1, Uuid::v4())
      .bind(2, now)
      .bind(3, now)
      .bind(4, values.name)
      .bind(5, values.slug)
      .bind(6, values.logo_url)
      .bind(7, values.documentation_url)
      .bind(8, html_escaped(values.description))
      .bind(9, html_escaped(values.code_example))
      .bind(10, values.is_protected);
}

}  // namespace

std::optional<BlockType> create_block_type(DatabaseInterface &database, Session &session,
                                           const BlockTypeValues &values) {
  if (read_block_type_by_slug(database, session, values.slug)) return std::nullopt;
  Statement insert = session.prepare(insert_sql(database.queries()));
  bind_values(insert, values);
  insert.execute();
  return read_block_type_by_slug(database, session, values.slug);
}

BlockType upsert_block_type(DatabaseInterface &database, Session &session, const BlockTypeValues &values) {
  const QueryComponents &q = database.queries();
  Statement insert =
      session.prepare(insert_sql(q) + q.upsert_clause(database.upsert_columns("block_type"),
                                                      {"updated", "name", "logo_url", "documentation_url",
                                                       "description", "code_example", "is_protected"}));
  bind_values(insert, values);
  insert.execute();
  auto stored = read_block_type_by_slug(database, session, values.slug);
  if (!stored) throw std::runtime_error("block type " + values.slug + " vanished after its upsert");
  return *stored;
}

std::optional<BlockType> read_block_type(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement read = session.prepare(select_block_type(database.queries(), "id"));
  read.bind(1, id);
  return first_block_type(read);
}

std::optional<BlockType> read_block_type_by_slug(DatabaseInterface &database, Session &session,
                                                 const std::string &slug) {
  Statement read = session.prepare(select_block_type(database.queries(), "slug"));
  read.bind(1, slug);
  return first_block_type(read);
}

void update_block_type(DatabaseInterface &database, Session &session, const Uuid &id, const rapidjson::Value &update) {
  const QueryComponents &q = database.queries();
  std::string sql = "UPDATE block_type SET updated = " + q.placeholder(1);
  std::vector<std::optional<std::string>> values;
  for (const char *column : kUpdatableColumns) {
    auto member = update.FindMember(column);
    if (member == update.MemberEnd()) continue;
    values.push_back(member->value.IsString() ? std::optional<std::string>(member->value.GetString()) : std::nullopt);
    sql += std::string(", ") + column + " = " + q.placeholder(int(values.size()) + 1);
  }
  sql += " WHERE id = " + q.placeholder(int(values.size()) + 2);
  Statement statement = session.prepare(sql);
  statement.bind(1, Timestamp::now());
  for (size_t i = 0; i < values.size(); ++i) statement.bind(int(i) + 2, values[i]);
  statement.bind(int(values.size()) + 2, id).execute();
}

bool delete_block_type(DatabaseInterface &database, Session &session, const Uuid &id) {
  return session.prepare("DELETE FROM block_type WHERE id = " + database.queries().placeholder(1))
             .bind(1, id)
             .execute() > 0;
}

std::vector<BlockType> read_block_types(DatabaseInterface &database, Session &session,
                                        const rapidjson::Value *block_type_filter,
                                        const rapidjson::Value *block_schema_filter, const Page &page) {
  FilteredQuery query(database.queries(), "block_type");
  if (block_type_filter) query.where(block_type_filter_condition(query.sql(), *block_type_filter, "block_type"));
  if (block_schema_filter) {
    const std::string alias = query.sql().alias("block_schema");
    const std::string condition = block_schema_filter_condition(query.sql(), *block_schema_filter, alias);
    query.where("EXISTS (SELECT 1 FROM block_schema " + alias + " WHERE " + alias +
                ".block_type_id = block_type.id AND " + condition + ")");
  }
  Statement rows = query.select(session, block_type_columns("block_type"), "block_type.name", page);
  std::vector<BlockType> types;
  while (rows.step()) types.push_back(block_type_row(rows, 0));
  return types;
}

}  // namespace prefectd
