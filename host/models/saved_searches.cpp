#include "saved_searches.h"

#include "database/database_interface.h"

#include <stdexcept>

namespace prefectd {
namespace {

constexpr const char *kSavedSearchColumnList =
    "saved_search.id, saved_search.created, saved_search.updated, saved_search.name, saved_search.filters";

SavedSearch saved_search_row(const Statement &statement) {
  return SavedSearch{*statement.uuid(0), *statement.timestamp(1), *statement.timestamp(2), *statement.text(3),
                     statement.json(4).value_or("[]")};
}

template <typename Key>
std::optional<SavedSearch> read_by(DatabaseInterface &database, Session &session, const char *column, const Key &key) {
  Statement read = session.prepare(std::string("SELECT ") + kSavedSearchColumnList + " FROM saved_search WHERE " +
                                   column + " = " + database.queries().placeholder(1));
  read.bind(1, key);
  if (!read.step()) return std::nullopt;
  return saved_search_row(read);
}

}  // namespace

UpsertedSavedSearch upsert_saved_search(DatabaseInterface &database, Session &session, const std::string &name,
                                        const std::string &filters_json) {
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  // Only the filters change on a name collision: id, created and updated stay, as in Prefect.
  Statement upsert = session.prepare("INSERT INTO saved_search (id, created, updated, name, filters) VALUES (" +
                                     q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " +
                                     q.placeholder_list(3, 2) + ")" + q.upsert_clause({"name"}, {"filters"}));
  upsert.bind(1, Uuid::v4()).bind(2, now).bind(3, name).bind_json(4, filters_json);
  upsert.execute();
  auto stored = read_by(database, session, "name", name);
  if (!stored) throw std::runtime_error("saved search " + name + " vanished after its upsert");
  // Prefect's test: a row created by this request is at least as new as the request.
  const bool inserted = stored->created >= now;
  return {*stored, inserted};
}

std::optional<SavedSearch> read_saved_search(DatabaseInterface &database, Session &session, const Uuid &id) {
  return read_by(database, session, "id", id);
}

bool delete_saved_search(DatabaseInterface &database, Session &session, const Uuid &id) {
  return session.prepare("DELETE FROM saved_search WHERE id = " + database.queries().placeholder(1))
             .bind(1, id)
             .execute() > 0;
}

std::vector<SavedSearch> read_saved_searches(DatabaseInterface &database, Session &session, const Page &page) {
  FilteredQuery query(database.queries(), "saved_search");
  Statement rows = query.select(session, kSavedSearchColumnList, "saved_search.name ASC", page);
  std::vector<SavedSearch> searches;
  while (rows.step()) searches.push_back(saved_search_row(rows));
  return searches;
}

}  // namespace prefectd
