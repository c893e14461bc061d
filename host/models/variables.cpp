#include "variables.h"

#include "database/database_interface.h"
#include "filters/related_filters.h"
#include "filters/sorts.h"

namespace prefectd {
namespace {

constexpr const char *kVariableColumnList =
    "variable.id, variable.created, variable.updated, variable.name, variable.value, variable.tags";
const std::string kVariableColumns = std::string("SELECT ") + kVariableColumnList + " FROM variable WHERE ";

Variable variable_row(const Statement &statement) {
  return Variable{*statement.uuid(0), *statement.timestamp(1), *statement.timestamp(2),
                  *statement.text(3), statement.json(4),       statement.json(5).value_or("[]")};
}

template <typename Key>
std::optional<Variable> read_by(DatabaseInterface &database, Session &session, const char *column, const Key &key) {
  Statement read = session.prepare(kVariableColumns + column + " = " + database.queries().placeholder(1));
  read.bind(1, key);
  if (!read.step()) return std::nullopt;
  return variable_row(read);
}

// Writes the members of `update` (and `updated`) to the row whose `column` equals `key`.
template <typename Key>
bool update_by(DatabaseInterface &database, Session &session, const char *column, const Key &key,
               const VariableUpdate &update) {
  const QueryComponents &q = database.queries();
  std::string assignments = "updated = " + q.placeholder(1);
  int next = 2;
  auto assign = [&](const char *target) { assignments += std::string(", ") + target + " = " + q.placeholder(next++); };
  if (update.name) assign("name");
  if (update.value_sent) assign("value");
  if (update.tags_json) assign("tags");
  Statement write =
      session.prepare("UPDATE variable SET " + assignments + " WHERE " + column + " = " + q.placeholder(next));
  write.bind(1, Timestamp::now());
  int index = 2;
  if (update.name) write.bind(index++, *update.name);
  if (update.value_sent) write.bind_json(index++, update.value_json);
  if (update.tags_json) write.bind_json(index++, *update.tags_json);
  write.bind(index, key);
  return write.execute() > 0;
}

template <typename Key>
bool delete_by(DatabaseInterface &database, Session &session, const char *column, const Key &key) {
  return session
             .prepare(std::string("DELETE FROM variable WHERE ") + column + " = " + database.queries().placeholder(1))
             .bind(1, key)
             .execute() > 0;
}

}  // namespace

std::optional<Variable> create_variable(DatabaseInterface &database, Session &session, const VariableCreate &variable) {
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  const Variable row{Uuid::v4(), now, now, variable.name, variable.value_json, variable.tags_json};
  Statement insert = session.prepare("INSERT INTO variable (id, created, updated, name, value, tags) VALUES (" +
                                     q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " +
                                     q.placeholder_list(3, 3) + ")" + q.upsert_clause({"name"}, {}));
  insert.bind(1, row.id)
      .bind(2, row.created)
      .bind(3, row.name)
      .bind_json(4, row.value_json)
      .bind_json(5, row.tags_json);
  if (insert.execute() == 0) return std::nullopt;
  // Read back: PostgreSQL's jsonb renders the value in its own key order.
  return read_variable(database, session, row.id);
}

std::optional<Variable> read_variable(DatabaseInterface &database, Session &session, const Uuid &id) {
  return read_by(database, session, "id", id);
}

std::optional<Variable> read_variable_by_name(DatabaseInterface &database, Session &session, const std::string &name) {
  return read_by(database, session, "name", name);
}

bool update_variable(DatabaseInterface &database, Session &session, const Uuid &id, const VariableUpdate &update) {
  return update_by(database, session, "id", id, update);
}

bool update_variable_by_name(DatabaseInterface &database, Session &session, const std::string &name,
                             const VariableUpdate &update) {
  return update_by(database, session, "name", name, update);
}

bool delete_variable(DatabaseInterface &database, Session &session, const Uuid &id) {
  return delete_by(database, session, "id", id);
}

bool delete_variable_by_name(DatabaseInterface &database, Session &session, const std::string &name) {
  return delete_by(database, session, "name", name);
}

std::vector<Variable> read_variables(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                     std::string_view sort, const Page &page) {
  FilteredQuery query = filtered_variables(database.queries(), filters);
  Statement rows = query.select(session, kVariableColumnList, variable_sort(sort, query.alias()), page);
  std::vector<Variable> variables;
  while (rows.step()) variables.push_back(variable_row(rows));
  return variables;
}

int64_t count_variables(DatabaseInterface &database, Session &session, const FilterSet &filters) {
  return filtered_variables(database.queries(), filters).count_rows(session);
}

}  // namespace prefectd
