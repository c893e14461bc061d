#include "run_bookkeeping.h"

namespace prefectd {

std::string ColumnAssignments::sql(const QueryComponents &queries, int first) const {
  std::string assignments;
  for (size_t i = 0; i < columns_.size(); ++i) {
    assignments += ", " + columns_[i].name + " = " + queries.placeholder(first + static_cast<int>(i));
  }
  return assignments;
}

std::vector<std::string> ColumnAssignments::names() const {
  std::vector<std::string> names;
  for (const Column &column : columns_) names.push_back(column.name);
  return names;
}

void ColumnAssignments::bind(Statement &statement, int first) const {
  for (size_t i = 0; i < columns_.size(); ++i) columns_[i].binder(statement, first + static_cast<int>(i));
}

void update_run_row(const QueryComponents &queries, Session &session, const char *table, const Uuid &id,
                    const ColumnAssignments &changes) {
  const int id_index = 2 + static_cast<int>(changes.size());
  Statement update = session.prepare(std::string("UPDATE ") + table + " SET updated = " + queries.placeholder(1) +
                                     changes.sql(queries, 2) + " WHERE id = " + queries.placeholder(id_index));
  update.bind(1, Timestamp::now()).bind(id_index, id);
  changes.bind(update, 2);
  update.execute();
}

void link_run_state(const QueryComponents &queries, Session &session, const char *table, const Uuid &run_id,
                    const Uuid &state_id) {
  session
      .prepare(std::string("UPDATE ") + table + " SET state_id = " + queries.placeholder(1) +
               " WHERE id = " + queries.placeholder(2))
      .bind(1, state_id)
      .bind(2, run_id)
      .execute();
}

}  // namespace prefectd
