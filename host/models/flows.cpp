#include "flows.h"

#include "database/database_interface.h"

namespace prefectd {
namespace {

constexpr const char *kFlowColumns = "SELECT id, created, updated, name, tags, labels FROM flow WHERE ";

std::optional<Flow> first_flow(Statement &statement) {
  if (!statement.step()) return std::nullopt;
  return Flow{*statement.uuid(0), *statement.timestamp(1),          *statement.timestamp(2),
              *statement.text(3), statement.json(4).value_or("[]"), statement.json(5)};
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
  Statement read = session.prepare(std::string(kFlowColumns) + "id = " + database.queries().placeholder(1));
  read.bind(1, id);
  return first_flow(read);
}

std::optional<Flow> read_flow_by_name(DatabaseInterface &database, Session &session, const std::string &name) {
  Statement read = session.prepare(std::string(kFlowColumns) + "name = " + database.queries().placeholder(1));
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

}  // namespace prefectd
