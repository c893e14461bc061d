#include "flows.h"

#include "database/database_interface.h"
#include "filters/column_conditions.h"
#include "filters/related_filters.h"
#include "filters/sorts.h"

namespace prefectd {
namespace {

constexpr const char *kFlowColumnList = "flow.id, flow.created, flow.updated, flow.name, flow.tags, flow.labels";
const std::string kFlowColumns = std::string("SELECT ") + kFlowColumnList + " FROM flow WHERE ";

// The current row of a statement selecting kFlowColumnList.
Flow flow_row(const Statement &statement) {
  return Flow{*statement.uuid(0), *statement.timestamp(1),          *statement.timestamp(2),
              *statement.text(3), statement.json(4).value_or("[]"), statement.json(5)};
}

std::optional<Flow> first_flow(Statement &statement) {
  if (!statement.step()) return std::nullopt;
  return flow_row(statement);
}

}  // namespace

CreatedFlow create_flow(DatabaseInterface &database, Session &session, const FlowCreate &flow) {
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  // DO NOTHING on a name collision: Prefect returns the existing flow as is.
  Statement insert =
      session.prepare("INSERT INTO flow (id, created, updated, name, tags, labels) VALUES (" + q.placeholder(1) + ", " +
                      q.placeholder(2) + ", " + q.placeholder(2) + ", " + q.placeholder(3) + ", " + q.placeholder(4) +
                      ", " + q.placeholder(5) + ")" + q.upsert_clause(database.upsert_columns("flow"), {}));
  insert.bind(1, Uuid::v4()).bind(2, now).bind(3, flow.name).bind_json(4, flow.tags_json);
  if (flow.labels_json)
    insert.bind_json(5, *flow.labels_json);
  else
    insert.bind_null(5);
  const bool inserted = insert.execute() > 0;
  auto stored = read_flow_by_name(database, session, flow.name);
  if (!stored) throw std::runtime_error("flow " + flow.name + " vanished after its upsert");
  return {*stored, inserted};
}

std::optional<Flow> read_flow(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement read = session.prepare(kFlowColumns + "id = " + database.queries().placeholder(1));
  read.bind(1, id);
  return first_flow(read);
}

std::optional<Flow> read_flow_by_name(DatabaseInterface &database, Session &session, const std::string &name) {
  Statement read = session.prepare(kFlowColumns + "name = " + database.queries().placeholder(1));
  read.bind(1, name);
  return first_flow(read);
}

bool update_flow_tags(DatabaseInterface &database, Session &session, const Uuid &id, const std::string &tags_json) {
  const QueryComponents &q = database.queries();
  return session
             .prepare("UPDATE flow SET tags = " + q.placeholder(1) + ", updated = " + q.placeholder(2) +
                      " WHERE id = " + q.placeholder(3))
             .bind_json(1, tags_json)
             .bind(2, Timestamp::now())
             .bind(3, id)
             .execute() > 0;
}

bool delete_flow(DatabaseInterface &database, Session &session, const Uuid &id) {
  return session.prepare("DELETE FROM flow WHERE id = " + database.queries().placeholder(1)).bind(1, id).execute() > 0;
}

std::vector<Flow> read_flows(DatabaseInterface &database, Session &session, const FilterSet &filters,
                             std::string_view sort, const Page &page) {
  FilteredQuery query = filtered_flows(database.queries(), filters);
  Statement rows = query.select(session, kFlowColumnList, flow_sort(sort, query.alias()), page);
  std::vector<Flow> flows;
  while (rows.step()) flows.push_back(flow_row(rows));
  return flows;
}

int64_t count_flows(DatabaseInterface &database, Session &session, const FilterSet &filters) {
  return filtered_flows(database.queries(), filters).count_rows(session);
}

std::vector<Uuid> delete_flows(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids) {
  if (ids.empty()) return {};
  SqlBuilder existing(database.queries());
  Statement read = session.prepare("SELECT id FROM flow WHERE " + in_list(existing, "id", ids));
  existing.bind(read);
  std::vector<Uuid> found;
  while (read.step()) found.push_back(*read.uuid(0));
  if (found.empty()) return {};
  // Deployments first, as Prefect does, rather than leaning on the cascade.
  for (const char *table : {"deployment", "flow"}) {
    SqlBuilder doomed(database.queries());
    const std::string column = std::string(table) == "flow" ? "id" : "flow_id";
    Statement remove =
        session.prepare("DELETE FROM " + std::string(table) + " WHERE " + in_list(doomed, column, found));
    doomed.bind(remove);
    remove.execute();
  }
  return found;
}

}  // namespace prefectd
