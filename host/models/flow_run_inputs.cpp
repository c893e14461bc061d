#include "flow_run_inputs.h"

#include "database/database_interface.h"
#include "filters/column_conditions.h"
#include "filters/sql_builder.h"

#include <algorithm>

namespace prefectd {
namespace {

constexpr const char *kInputColumns =
    "SELECT id, created, updated, flow_run_id, key, value, sender FROM flow_run_input";

FlowRunInput input_row(const Statement &row) {
  return FlowRunInput{*row.uuid(0), *row.timestamp(1),        *row.timestamp(2), *row.uuid(3),
                      *row.text(4), row.text(5).value_or(""), row.text(6)};
}

}  // namespace

InputCreation create_flow_run_input(DatabaseInterface &database, Session &session, const FlowRunInput &input) {
  const QueryComponents &q = database.queries();
  // Prefect tells the two integrity errors apart after the fact; checking
  // the run first gives the same answers without relying on SQLite's
  // foreign-key enforcement.
  Statement run = session.prepare("SELECT 1 FROM flow_run WHERE id = " + q.placeholder(1));
  run.bind(1, input.flow_run_id);
  if (!run.step()) return InputCreation::RunMissing;
  Statement insert =
      session.prepare("INSERT INTO flow_run_input (id, created, updated, flow_run_id, key, value, sender) VALUES (" +
                      q.placeholder_list(1, 7) + ")" + q.upsert_clause({"flow_run_id", "key"}, {}));
  insert.bind(1, input.id).bind(2, input.created).bind(3, input.updated).bind(4, input.flow_run_id);
  insert.bind(5, input.key).bind(6, input.value).bind(7, input.sender);
  return insert.execute() > 0 ? InputCreation::Created : InputCreation::KeyTaken;
}

std::vector<FlowRunInput> filter_flow_run_inputs(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                                                 const std::string &prefix, int64_t limit,
                                                 const std::vector<std::string> &exclude_keys) {
  SqlBuilder sql(database.queries());
  std::string text = std::string(kInputColumns) + " WHERE flow_run_id = " + sql.param(flow_run_id) + " AND key LIKE " +
                     sql.param(prefix + "%");
  if (!exclude_keys.empty()) text += " AND " + not_in_list(sql, "key", exclude_keys);
  // A negative LIMIT is an error on PostgreSQL and "no limit" on SQLite;
  // answering none on both keeps the answer the same everywhere.
  text += " ORDER BY created LIMIT " + sql.param(std::max<int64_t>(limit, 0));
  Statement rows = session.prepare(text);
  sql.bind(rows);
  std::vector<FlowRunInput> inputs;
  while (rows.step()) inputs.push_back(input_row(rows));
  return inputs;
}

std::optional<FlowRunInput> read_flow_run_input(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                                                const std::string &key) {
  const QueryComponents &q = database.queries();
  Statement read = session.prepare(std::string(kInputColumns) + " WHERE flow_run_id = " + q.placeholder(1) +
                                   " AND key = " + q.placeholder(2));
  read.bind(1, flow_run_id).bind(2, key);
  if (!read.step()) return std::nullopt;
  return input_row(read);
}

bool delete_flow_run_input(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                           const std::string &key) {
  const QueryComponents &q = database.queries();
  return session
             .prepare("DELETE FROM flow_run_input WHERE flow_run_id = " + q.placeholder(1) +
                      " AND key = " + q.placeholder(2))
             .bind(1, flow_run_id)
             .bind(2, key)
             .execute() > 0;
}

}  // namespace prefectd
