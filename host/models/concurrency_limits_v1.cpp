#include "concurrency_limits_v1.h"

#include "core/json_string_list.h"
#include "core/python_json.h"
#include "database/database_interface.h"

#include <rapidjson/document.h>

namespace prefectd {
namespace {

constexpr const char *kColumns =
    "SELECT id, created, updated, tag, concurrency_limit, active_slots FROM concurrency_limit ";

ConcurrencyLimitV1Row limit_row(const Statement &row) {
  return {*row.uuid(0),
          *row.timestamp(1),
          *row.timestamp(2),
          row.text(3).value_or(""),
          row.int64(4).value_or(0),
          json_string_list(row.json(5).value_or("[]"))};
}

std::vector<ConcurrencyLimitV1Row> all_rows(Statement &read) {
  std::vector<ConcurrencyLimitV1Row> rows;
  while (read.step()) rows.push_back(limit_row(read));
  return rows;
}

}  // namespace

std::optional<ConcurrencyLimitV1Row> read_concurrency_limit_v1(DatabaseInterface &database, Session &session,
                                                               const Uuid &id) {
  Statement read = session.prepare(std::string(kColumns) + "WHERE id = " + database.queries().placeholder(1));
  read.bind(1, id);
  if (!read.step()) return std::nullopt;
  return limit_row(read);
}

std::optional<ConcurrencyLimitV1Row> read_concurrency_limit_v1_by_tag(DatabaseInterface &database, Session &session,
                                                                      const std::string &tag) {
  Statement read = session.prepare(std::string(kColumns) + "WHERE tag = " + database.queries().placeholder(1));
  read.bind(1, tag);
  if (!read.step()) return std::nullopt;
  return limit_row(read);
}

std::vector<ConcurrencyLimitV1Row> read_concurrency_limits_v1(DatabaseInterface &database, Session &session,
                                                              int64_t limit, int64_t offset) {
  const QueryComponents &q = database.queries();
  Statement read =
      session.prepare(std::string(kColumns) + "ORDER BY tag LIMIT " + q.placeholder(1) + " OFFSET " + q.placeholder(2));
  read.bind(1, limit).bind(2, offset);
  return all_rows(read);
}

std::vector<ConcurrencyLimitV1Row> read_concurrency_limits_v1_for_tags(DatabaseInterface &database, Session &session,
                                                                       const std::vector<std::string> &tags) {
  if (tags.empty()) return {};
  const QueryComponents &q = database.queries();
  Statement read =
      session.prepare(std::string(kColumns) + "WHERE tag IN (" + q.placeholder_list(1, static_cast<int>(tags.size())) +
                      ") ORDER BY tag" + q.for_update(false));
  for (size_t i = 0; i < tags.size(); ++i) read.bind(static_cast<int>(i + 1), tags[i]);
  return all_rows(read);
}

void write_concurrency_limit_v1_slots(DatabaseInterface &database, Session &session, const std::string &tag,
                                      const std::vector<std::string> &active_slots) {
  rapidjson::Document slots;
  slots.SetArray();
  for (const std::string &slot : active_slots) {
    slots.PushBack(rapidjson::Value(slot.c_str(), slots.GetAllocator()), slots.GetAllocator());
  }
  const QueryComponents &q = database.queries();
  session
      .prepare("UPDATE concurrency_limit SET active_slots = " + q.placeholder(1) + ", updated = " + q.placeholder(2) +
               " WHERE tag = " + q.placeholder(3))
      .bind_json(1, to_python_json(slots))
      .bind(2, Timestamp::now())
      .bind(3, tag)
      .execute();
}

bool delete_concurrency_limit_v1(DatabaseInterface &database, Session &session, const Uuid &id) {
  return session.prepare("DELETE FROM concurrency_limit WHERE id = " + database.queries().placeholder(1))
             .bind(1, id)
             .execute() > 0;
}

bool delete_concurrency_limit_v1_by_tag(DatabaseInterface &database, Session &session, const std::string &tag) {
  return session.prepare("DELETE FROM concurrency_limit WHERE tag = " + database.queries().placeholder(1))
             .bind(1, tag)
             .execute() > 0;
}

}  // namespace prefectd
