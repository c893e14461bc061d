#include "concurrency_limits_v2.h"

#include "database/database_interface.h"

#include <algorithm>

namespace prefectd {
namespace {

// Prefect's MINIMUM_OCCUPANCY_SECONDS_PER_SLOT and OCCUPANCY_SAMPLES_MULTIPLIER.
constexpr double kMinimumOccupancySecondsPerSlot = 0.1;
constexpr const char *kOccupancySamplesMultiplier = "2";

std::string column_list(const std::string &active_slots_expression) {
  return "id, created, updated, active, name, \"limit\", " + active_slots_expression +
         ", denied_slots, slot_decay_per_second, avg_slot_occupancy_seconds";
}

ConcurrencyLimitV2Row limit_row(const Statement &row) {
  ConcurrencyLimitV2Row limit;
  limit.id = *row.uuid(0);
  limit.created = *row.timestamp(1);
  limit.updated = *row.timestamp(2);
  limit.active = row.boolean(3).value_or(true);
  limit.name = row.text(4).value_or("");
  limit.limit = row.int64(5).value_or(0);
  // Decay arithmetic may come back as a float on either dialect.
  limit.active_slots = row.int64(6).value_or(0);
  limit.denied_slots = row.int64(7).value_or(0);
  limit.slot_decay_per_second = row.real(8).value_or(0);
  limit.avg_slot_occupancy_seconds = row.real(9).value_or(2.0);
  return limit;
}

// floor() of a non-negative amount of slots. Neither SQL function fits
// both dialects: SQLite has floor() only from 3.35 (prefectd supports
// 3.24) and PostgreSQL's CAST to an integer rounds where SQLite's
// truncates. Scaling to microslots first makes the two agree: the CAST
// then differs by less than a millionth, and the integer division
// truncates on both. Negative amounts (a clock step back) count as none.
std::string floor_of_slots(const QueryComponents &q, const std::string &amount) {
  return "(CAST(" + q.greatest({"0", amount}) + " * 1000000 AS BIGINT) / 1000000)";
}

// The slot decay expressions of models/concurrency_limits_v2.py, evaluated
// on the row being updated. Placeholders: `now` the transaction's clock,
// `tag_cap` / `other_cap` the SlotWaitCaps.
struct DecayExpressions {
  std::string active_slots;
  std::string denied_slots;
};

DecayExpressions decay_expressions(const QueryComponents &q, const std::string &now, const std::string &tag_cap,
                                   const std::string &other_cap) {
  const std::string elapsed = q.timestamp_diff_seconds(now, "updated");
  const std::string max_wait = "(CASE WHEN name LIKE 'tag:%' THEN " + tag_cap + " ELSE " + other_cap + " END)";
  const std::string clamped_occupancy =
      q.greatest({std::to_string(kMinimumOccupancySecondsPerSlot), q.least({"avg_slot_occupancy_seconds", max_wait})});
  const std::string denied_rate =
      "(CASE WHEN slot_decay_per_second > 0 THEN slot_decay_per_second ELSE 1.0 / " + clamped_occupancy + " END)";
  return {q.greatest({"0", "active_slots - " + floor_of_slots(q, "slot_decay_per_second * " + elapsed)}),
          q.greatest({"0", "denied_slots - " + floor_of_slots(q, denied_rate + " * " + elapsed)})};
}

std::string key_condition(const QueryComponents &q, const ConcurrencyLimitKey &key, int index) {
  return (key.id ? "id = " : "name = ") + q.placeholder(index);
}

void bind_key(Statement &statement, const ConcurrencyLimitKey &key, int index) {
  if (key.id)
    statement.bind(index, *key.id);
  else
    statement.bind(index, key.name);
}

std::string id_list(const QueryComponents &q, int first, size_t count) {
  return "id IN (" + q.placeholder_list(first, static_cast<int>(count)) + ")";
}

void bind_ids(Statement &statement, const std::vector<Uuid> &ids, int first) {
  for (size_t i = 0; i < ids.size(); ++i) statement.bind(first + static_cast<int>(i), ids[i]);
}

}  // namespace

ConcurrencyLimitKey ConcurrencyLimitKey::from_path(const std::string &id_or_name) {
  if (auto id = Uuid::parse(id_or_name)) return {id, ""};
  return {std::nullopt, id_or_name};
}

ConcurrencyLimitV2Row create_concurrency_limit_v2(DatabaseInterface &database, Session &session,
                                                  const ConcurrencyLimitV2Row &limit) {
  const QueryComponents &q = database.queries();
  ConcurrencyLimitV2Row created = limit;
  created.id = Uuid::v4();
  created.created = created.updated = Timestamp::now();
  session
      .prepare("INSERT INTO concurrency_limit_v2 (" + column_list("active_slots") + ") VALUES (" +
               q.placeholder_list(1, 10) + ")")
      .bind(1, created.id)
      .bind(2, created.created)
      .bind(3, created.updated)
      .bind(4, created.active)
      .bind(5, created.name)
      .bind(6, created.limit)
      .bind(7, created.active_slots)
      .bind(8, created.denied_slots)
      .bind(9, created.slot_decay_per_second)
      .bind(10, created.avg_slot_occupancy_seconds)
      .execute();
  return created;
}

std::optional<ConcurrencyLimitV2Row> read_concurrency_limit_v2(DatabaseInterface &database, Session &session,
                                                               const ConcurrencyLimitKey &key, bool decayed,
                                                               Timestamp now) {
  const QueryComponents &q = database.queries();
  // The caps only matter for denied slots, which this read does not decay.
  const std::string active_slots =
      decayed ? decay_expressions(q, q.placeholder(2), "0", "0").active_slots : std::string("active_slots");
  Statement read = session.prepare("SELECT " + column_list(active_slots) + " FROM concurrency_limit_v2 WHERE " +
                                   key_condition(q, key, 1));
  bind_key(read, key, 1);
  if (decayed) read.bind(2, now);
  if (!read.step()) return std::nullopt;
  return limit_row(read);
}

std::vector<ConcurrencyLimitV2Row> read_concurrency_limits_v2_named(DatabaseInterface &database, Session &session,
                                                                    const std::vector<std::string> &names) {
  std::vector<ConcurrencyLimitV2Row> limits;
  if (names.empty()) return limits;
  const QueryComponents &q = database.queries();
  Statement read =
      session.prepare("SELECT " + column_list("active_slots") + " FROM concurrency_limit_v2 WHERE name IN (" +
                      q.placeholder_list(1, static_cast<int>(names.size())) + ") ORDER BY name");
  for (size_t i = 0; i < names.size(); ++i) read.bind(static_cast<int>(i + 1), names[i]);
  while (read.step()) limits.push_back(limit_row(read));
  return limits;
}

std::vector<ConcurrencyLimitV2Row> read_all_concurrency_limits_v2(DatabaseInterface &database, Session &session,
                                                                  int64_t limit, int64_t offset, Timestamp now) {
  const QueryComponents &q = database.queries();
  Statement read = session.prepare(
      "SELECT " + column_list(decay_expressions(q, q.placeholder(1), "0", "0").active_slots) +
      " FROM concurrency_limit_v2 ORDER BY name LIMIT " + q.placeholder(2) + " OFFSET " + q.placeholder(3));
  read.bind(1, now).bind(2, limit).bind(3, offset);
  std::vector<ConcurrencyLimitV2Row> limits;
  while (read.step()) limits.push_back(limit_row(read));
  return limits;
}

bool update_concurrency_limit_v2(DatabaseInterface &database, Session &session, const ConcurrencyLimitKey &key,
                                 const ConcurrencyLimitV2Update &update) {
  const QueryComponents &q = database.queries();
  std::string assignments = "updated = " + q.placeholder(1);
  int next = 2;
  auto assign = [&](const char *column, bool sent) {
    if (sent) assignments += std::string(", ") + column + " = " + q.placeholder(next++);
  };
  assign("active", update.active.has_value());
  assign("name", update.name.has_value());
  assign("\"limit\"", update.limit.has_value());
  assign("active_slots", update.active_slots.has_value());
  assign("denied_slots", update.denied_slots.has_value());
  assign("slot_decay_per_second", update.slot_decay_per_second.has_value());
  Statement statement =
      session.prepare("UPDATE concurrency_limit_v2 SET " + assignments + " WHERE " + key_condition(q, key, next));
  statement.bind(1, Timestamp::now());
  int index = 2;
  if (update.active) statement.bind(index++, *update.active);
  if (update.name) statement.bind(index++, *update.name);
  if (update.limit) statement.bind(index++, *update.limit);
  if (update.active_slots) statement.bind(index++, *update.active_slots);
  if (update.denied_slots) statement.bind(index++, *update.denied_slots);
  if (update.slot_decay_per_second) statement.bind(index++, *update.slot_decay_per_second);
  bind_key(statement, key, index);
  return statement.execute() > 0;
}

bool delete_concurrency_limit_v2(DatabaseInterface &database, Session &session, const ConcurrencyLimitKey &key) {
  Statement statement =
      session.prepare("DELETE FROM concurrency_limit_v2 WHERE " + key_condition(database.queries(), key, 1));
  bind_key(statement, key, 1);
  return statement.execute() > 0;
}

bool increment_concurrency_slots_v2(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids,
                                    int64_t slots, const SlotWaitCaps &caps, Timestamp now) {
  if (ids.empty()) return true;
  const QueryComponents &q = database.queries();
  const DecayExpressions decayed = decay_expressions(q, q.placeholder(1), q.placeholder(2), q.placeholder(3));
  const std::string slots_value = q.placeholder(4);
  Statement update =
      session.prepare("UPDATE concurrency_limit_v2 SET active_slots = " + decayed.active_slots + " + " + slots_value +
                      ", denied_slots = " + decayed.denied_slots + ", updated = " + q.placeholder(1) + " WHERE " +
                      id_list(q, 5, ids.size()) + " AND active = " + q.placeholder(5 + static_cast<int>(ids.size())) +
                      " AND " + decayed.active_slots + " + " + slots_value + " <= \"limit\"");
  update.bind(1, now).bind(2, caps.tag_seconds).bind(3, caps.other_seconds).bind(4, slots);
  bind_ids(update, ids, 5);
  update.bind(5 + static_cast<int>(ids.size()), true);
  return update.execute() == static_cast<int64_t>(ids.size());
}

bool decrement_concurrency_slots_v2(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids,
                                    int64_t slots, std::optional<double> occupancy_seconds, const SlotWaitCaps &caps,
                                    Timestamp now) {
  if (ids.empty()) return true;
  const QueryComponents &q = database.queries();
  const DecayExpressions decayed = decay_expressions(q, q.placeholder(1), q.placeholder(2), q.placeholder(3));
  std::string assignments = "active_slots = " + q.greatest({"0", decayed.active_slots + " - " + q.placeholder(4)}) +
                            ", denied_slots = " + decayed.denied_slots + ", updated = " + q.placeholder(1);
  const int first_id = occupancy_seconds ? 6 : 5;
  if (occupancy_seconds) {
    // A weighted average over the last limit × 2 samples; a zero limit
    // (nothing can have occupied it) keeps its average.
    const std::string samples = "(\"limit\" * " + std::string(kOccupancySamplesMultiplier) + ")";
    assignments += ", avg_slot_occupancy_seconds = CASE WHEN \"limit\" > 0 THEN avg_slot_occupancy_seconds + " +
                   q.placeholder(5) + " / " + samples + " - avg_slot_occupancy_seconds / " + samples +
                   " ELSE avg_slot_occupancy_seconds END";
  }
  Statement update =
      session.prepare("UPDATE concurrency_limit_v2 SET " + assignments + " WHERE " + id_list(q, first_id, ids.size()) +
                      " AND active = " + q.placeholder(first_id + static_cast<int>(ids.size())));
  update.bind(1, now).bind(2, caps.tag_seconds).bind(3, caps.other_seconds).bind(4, slots);
  if (occupancy_seconds) {
    const double per_slot = std::max(*occupancy_seconds / static_cast<double>(slots), kMinimumOccupancySecondsPerSlot);
    update.bind(5, per_slot);
  }
  bind_ids(update, ids, first_id);
  update.bind(first_id + static_cast<int>(ids.size()), true);
  return update.execute() == static_cast<int64_t>(ids.size());
}

void record_denied_slots_v2(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids, int64_t slots,
                            const SlotWaitCaps &caps, Timestamp now) {
  if (ids.empty()) return;
  const QueryComponents &q = database.queries();
  const DecayExpressions decayed = decay_expressions(q, q.placeholder(1), q.placeholder(2), q.placeholder(3));
  // Every write moves `updated`, as Prefect's ORM does on any UPDATE.
  Statement update =
      session.prepare("UPDATE concurrency_limit_v2 SET denied_slots = " + decayed.denied_slots + " + " +
                      q.placeholder(4) + ", updated = " + q.placeholder(1) + " WHERE " + id_list(q, 5, ids.size()) +
                      " AND active = " + q.placeholder(5 + static_cast<int>(ids.size())));
  update.bind(1, now).bind(2, caps.tag_seconds).bind(3, caps.other_seconds).bind(4, slots);
  bind_ids(update, ids, 5);
  update.bind(5 + static_cast<int>(ids.size()), true);
  update.execute();
}

}  // namespace prefectd
