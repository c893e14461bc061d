#include "recorded_task_runs.h"

#include "database/database_error.h"
#include "database/database_interface.h"
#include "schemas/state.h"
#include "settings/settings.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>
#include <variant>

namespace prefectd {
namespace {

constexpr std::string_view kTaskRunPrefix = "prefect.task-run.";
constexpr std::string_view kFlowRunPrefix = "prefect.flow-run.";

// A column value as it will be bound.
struct Json {
  std::string text;
};
struct IntervalMicros {
  int64_t micros;
};
using ColumnValue = std::variant<std::monostate, std::string, Json, Timestamp, int64_t, IntervalMicros>;

enum class FieldKind { Text, OptionalText, OptionalTime, JsonObject, OptionalJson, Integer, Interval };

// The TaskRun fields a client event may set, by column. Everything else in
// payload.task_run (id, created, updated, flow_run_id, the state fields,
// the estimates) is the server's or ignored.
const std::map<std::string, FieldKind, std::less<>> kTaskRunFields = {
    {"name", FieldKind::Text},
    {"task_key", FieldKind::Text},
    {"dynamic_key", FieldKind::Text},
    {"cache_key", FieldKind::OptionalText},
    {"cache_expiration", FieldKind::OptionalTime},
    {"task_version", FieldKind::OptionalText},
    {"empirical_policy", FieldKind::JsonObject},
    {"tags", FieldKind::JsonObject},
    {"labels", FieldKind::OptionalJson},
    {"task_inputs", FieldKind::JsonObject},
    {"run_count", FieldKind::Integer},
    {"flow_run_run_count", FieldKind::Integer},
    {"expected_start_time", FieldKind::OptionalTime},
    {"next_scheduled_start_time", FieldKind::OptionalTime},
    {"start_time", FieldKind::OptionalTime},
    {"end_time", FieldKind::OptionalTime},
    {"total_run_time", FieldKind::Interval},
};

std::string compact(const rapidjson::Value &value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

ColumnValue column_value(const std::string &field, FieldKind kind, const rapidjson::Value &value) {
  const bool optional =
      kind == FieldKind::OptionalText || kind == FieldKind::OptionalTime || kind == FieldKind::OptionalJson;
  if (value.IsNull()) {
    if (optional) return std::monostate{};
    throw std::invalid_argument("task_run." + field + " may not be null");
  }
  switch (kind) {
    case FieldKind::Text:
    case FieldKind::OptionalText:
      if (!value.IsString()) throw std::invalid_argument("task_run." + field + " is not a string");
      return std::string(value.GetString(), value.GetStringLength());
    case FieldKind::OptionalTime: {
      auto parsed = value.IsString() ? Timestamp::parse(value.GetString()) : std::nullopt;
      if (!parsed) throw std::invalid_argument("task_run." + field + " is not a datetime");
      return *parsed;
    }
    case FieldKind::JsonObject:
    case FieldKind::OptionalJson:
      return Json{compact(value)};
    case FieldKind::Integer:
      if (!value.IsInt64()) throw std::invalid_argument("task_run." + field + " is not an integer");
      return value.GetInt64();
    case FieldKind::Interval: {
      std::optional<double> seconds;
      if (value.IsNumber()) seconds = value.GetDouble();
      if (value.IsString()) seconds = parse_duration_seconds(value.GetString());
      if (!seconds) throw std::invalid_argument("task_run." + field + " is not a duration");
      return IntervalMicros{static_cast<int64_t>(std::llround(*seconds * 1e6))};
    }
  }
  return std::monostate{};
}

Uuid object_id(std::string_view resource_id, std::string_view prefix) {
  if (!resource_id.starts_with(prefix)) {
    throw std::invalid_argument("Resource ID " + std::string(resource_id) + " does not start with " +
                                std::string(prefix));
  }
  auto id = Uuid::parse(resource_id.substr(prefix.size()));
  if (!id) throw std::invalid_argument("Resource ID " + std::string(resource_id) + " has no valid UUID");
  return *id;
}

using NaturalKey = std::tuple<Uuid, std::string, std::string>;  // flow_run_id, task_key, dynamic_key
// ("id", uuid) or ("natural-key", flow run, task key, dynamic key), as Prefect keys its groups.
using ConflictKey = std::variant<Uuid, NaturalKey>;

// One event's task run and state, and how its upsert is resolved.
struct Record {
  Uuid task_run_id;
  std::optional<Uuid> flow_run_id;
  std::map<std::string, ColumnValue, std::less<>> columns;  // the fields the client sent
  State state;
  size_t group = 0;
  std::optional<NaturalKey> natural_key() const {
    auto task_key = columns.find("task_key");
    auto dynamic_key = columns.find("dynamic_key");
    if (!flow_run_id || task_key == columns.end() || dynamic_key == columns.end()) return std::nullopt;
    const auto *task = std::get_if<std::string>(&task_key->second);
    const auto *dynamic = std::get_if<std::string>(&dynamic_key->second);
    if (!task || !dynamic) return std::nullopt;
    return NaturalKey{*flow_run_id, *task, *dynamic};
  }
  std::vector<ConflictKey> conflict_keys() const {
    std::vector<ConflictKey> keys{task_run_id};
    if (auto key = natural_key()) keys.emplace_back(*key);
    return keys;
  }
};

Record record_from_event(const ReceivedEvent &event) {
  Record record;
  record.task_run_id = object_id(event.resource_id(), kTaskRunPrefix);
  if (const ResourceLabels *flow_run = event.related_in_role("flow-run")) {
    record.flow_run_id = object_id(flow_run->at("prefect.resource.id"), kFlowRunPrefix);
  }
  rapidjson::Document payload;
  payload.Parse(event.payload_json.c_str());
  auto validated_state = payload.FindMember("validated_state");
  if (validated_state == payload.MemberEnd() || !validated_state->value.IsObject()) {
    throw std::invalid_argument("the event has no payload.validated_state");
  }
  const rapidjson::Value &state = validated_state->value;
  auto type = state.FindMember("type");
  auto state_type =
      type != state.MemberEnd() && type->value.IsString() ? parse_state_type(type->value.GetString()) : std::nullopt;
  if (!state_type) throw std::invalid_argument("payload.validated_state.type is not a state type");
  record.state.id = event.id;
  record.state.type = *state_type;
  record.state.timestamp = event.occurred;
  auto name = state.FindMember("name");
  record.state.name =
      name != state.MemberEnd() && name->value.IsString() ? name->value.GetString() : default_state_name(*state_type);
  if (auto message = state.FindMember("message"); message != state.MemberEnd() && message->value.IsString()) {
    record.state.message = message->value.GetString();
  }
  if (auto data = state.FindMember("data"); data != state.MemberEnd() && !data->value.IsNull()) {
    record.state.data_json = compact(data->value);
  }
  if (auto details = state.FindMember("state_details"); details != state.MemberEnd() && details->value.IsObject()) {
    record.state.details = state_details_from_json(compact(details->value));
  }
  record.state.details.task_run_id = record.task_run_id;
  record.state.details.flow_run_id = record.flow_run_id;

  auto task_run = payload.FindMember("task_run");
  if (task_run == payload.MemberEnd() || !task_run->value.IsObject()) {
    throw std::invalid_argument("the event has no payload.task_run");
  }
  for (const auto &member : task_run->value.GetObject()) {
    const std::string field(member.name.GetString(), member.name.GetStringLength());
    auto known = kTaskRunFields.find(field);
    if (known != kTaskRunFields.end()) record.columns[field] = column_value(field, known->second, member.value);
  }
  return record;
}

// Groups records that share an id or a natural key (Prefect's union-find
// over conflict keys); returns the group of each record.
std::vector<size_t> conflict_groups(const std::vector<Record> &records) {
  std::vector<size_t> parent(records.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  auto find = [&parent](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::map<ConflictKey, size_t> first_holder;
  for (size_t i = 0; i < records.size(); ++i) {
    for (const ConflictKey &key : records[i].conflict_keys()) {
      auto [holder, inserted] = first_holder.emplace(key, i);
      if (!inserted) parent[find(i)] = find(holder->second);
    }
  }
  std::vector<size_t> groups(records.size());
  for (size_t i = 0; i < records.size(); ++i) groups[i] = find(i);
  return groups;
}

struct StoredKeys {
  std::map<Uuid, std::optional<NaturalKey>> by_id;
  std::map<NaturalKey, Uuid> by_natural_key;
};

// The stored task runs that hold any of `keys`.
StoredKeys stored_keys(DatabaseInterface &database, Session &session, const std::vector<ConflictKey> &keys) {
  const QueryComponents &q = database.queries();
  StoredKeys stored;
  for (const ConflictKey &key : keys) {
    Statement read = [&] {
      if (const auto *id = std::get_if<Uuid>(&key)) {
        Statement s = session.prepare("SELECT id, flow_run_id, task_key, dynamic_key FROM task_run WHERE id = " +
                                      q.placeholder(1));
        s.bind(1, *id);
        return s;
      }
      const auto &[flow_run_id, task_key, dynamic_key] = std::get<NaturalKey>(key);
      Statement s = session.prepare(
          "SELECT id, flow_run_id, task_key, dynamic_key FROM task_run WHERE flow_run_id = " + q.placeholder(1) +
          " AND task_key = " + q.placeholder(2) + " AND dynamic_key = " + q.placeholder(3));
      s.bind(1, flow_run_id).bind(2, task_key).bind(3, dynamic_key);
      return s;
    }();
    while (read.step()) {
      const Uuid id = *read.uuid(0);
      std::optional<NaturalKey> natural;
      if (auto flow_run_id = read.uuid(1)) {
        natural = NaturalKey{*flow_run_id, read.text(2).value_or(""), read.text(3).value_or("")};
        stored.by_natural_key[*natural] = id;
      }
      stored.by_id[id] = natural;
    }
  }
  return stored;
}

enum class ConflictTarget { ById, ByNaturalKey };

// services.md §1.4: the natural key when a stored row holds it; else the id
// when a stored row holds that; else the id of a stored row holding any key
// of the group (the record takes that id); else the natural key when the
// flow run is known.
ConflictTarget resolve_conflict_target(Record &record, const std::vector<ConflictKey> &group_keys,
                                       const StoredKeys &stored) {
  const auto natural = record.natural_key();
  if (natural && stored.by_natural_key.contains(*natural)) return ConflictTarget::ByNaturalKey;
  if (stored.by_id.contains(record.task_run_id)) return ConflictTarget::ById;
  for (const ConflictKey &key : group_keys) {
    if (const auto *id = std::get_if<Uuid>(&key); id && stored.by_id.contains(*id)) {
      record.task_run_id = *id;
      return ConflictTarget::ById;
    }
    if (const auto *natural_key = std::get_if<NaturalKey>(&key)) {
      if (auto held = stored.by_natural_key.find(*natural_key); held != stored.by_natural_key.end()) {
        record.task_run_id = held->second;
        return ConflictTarget::ById;
      }
    }
  }
  return record.flow_run_id && natural ? ConflictTarget::ByNaturalKey : ConflictTarget::ById;
}

void bind_column(Statement &statement, int index, const ColumnValue &value) {
  std::visit(
      [&](const auto &held) {
        using Held = std::decay_t<decltype(held)>;
        if constexpr (std::is_same_v<Held, std::monostate>) {
          statement.bind_null(index);
        } else if constexpr (std::is_same_v<Held, Json>) {
          statement.bind_json(index, held.text);
        } else if constexpr (std::is_same_v<Held, IntervalMicros>) {
          statement.bind_interval(index, held.micros);
        } else {
          statement.bind(index, held);
        }
      },
      value);
}

// Inserts the record's task run, or updates the stored one when its state
// is older; returns the id the row has.
Uuid upsert_task_run(DatabaseInterface &database, Session &session, const Record &record, ConflictTarget target,
                     Timestamp now) {
  const QueryComponents &q = database.queries();
  std::vector<std::string> columns{"id", "flow_run_id", "state_id", "state_type", "state_name", "state_timestamp"};
  for (const auto &[column, value] : record.columns) columns.push_back(column);
  std::vector<std::string> updates;
  for (const std::string &column : columns) {
    if (column != "id") updates.push_back(column);
  }
  updates.emplace_back("updated");
  std::string column_list;
  for (const std::string &column : columns) column_list += column + ", ";
  const int count = static_cast<int>(columns.size());
  Statement upsert = session.prepare(
      "INSERT INTO task_run (" + column_list + "created, updated) VALUES (" + q.placeholder_list(1, count + 2) + ")" +
      q.upsert_clause(
          target == ConflictTarget::ByNaturalKey ? database.upsert_columns("task_run") : std::vector<std::string>{"id"},
          updates, "task_run.state_timestamp < excluded.state_timestamp"));
  upsert.bind(1, record.task_run_id)
      .bind(2, record.flow_run_id)
      .bind(3, record.state.id)
      .bind(4, to_string(record.state.type))
      .bind(5, record.state.name)
      .bind(6, record.state.timestamp);
  int index = 7;
  for (const auto &[column, value] : record.columns) bind_column(upsert, index++, value);
  upsert.bind(index, now).bind(index + 1, now);
  upsert.execute();
  if (target == ConflictTarget::ById) return record.task_run_id;
  const NaturalKey natural_key = *record.natural_key();
  const auto &[flow_run_id, task_key, dynamic_key] = natural_key;
  Statement canonical =
      session.prepare("SELECT id FROM task_run WHERE flow_run_id = " + q.placeholder(1) +
                      " AND task_key = " + q.placeholder(2) + " AND dynamic_key = " + q.placeholder(3));
  canonical.bind(1, flow_run_id).bind(2, task_key).bind(3, dynamic_key);
  if (!canonical.step()) throw std::runtime_error("task run vanished after its upsert");
  return *canonical.uuid(0);
}

void insert_state(DatabaseInterface &database, Session &session, const Uuid &task_run_id, State state, Timestamp now) {
  const QueryComponents &q = database.queries();
  state.details.task_run_id = task_run_id;
  Statement insert = session.prepare(
      "INSERT INTO task_run_state (id, created, updated, type, \"timestamp\", name, message, state_details, data, "
      "task_run_id) VALUES (" +
      q.placeholder_list(1, 10) + ")" + q.upsert_clause({"id"}, {}));
  insert.bind(1, state.id)
      .bind(2, now)
      .bind(3, now)
      .bind(4, to_string(state.type))
      .bind(5, state.timestamp)
      .bind(6, state.name)
      .bind(7, state.message)
      .bind_json(8, state_details_to_json(state.details))
      .bind_json(9, state.data_json)
      .bind(10, task_run_id);
  insert.execute();
}

void record_once(DatabaseInterface &database, std::vector<Record> records) {
  // Oldest first, so the newest state of a group is the one kept.
  std::stable_sort(records.begin(), records.end(),
                   [](const Record &a, const Record &b) { return a.state.timestamp < b.state.timestamp; });
  const std::vector<size_t> groups = conflict_groups(records);
  std::map<size_t, size_t> newest_of_group;
  std::map<size_t, std::vector<ConflictKey>> keys_of_group;
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].group = groups[i];
    newest_of_group[groups[i]] = i;
    auto &keys = keys_of_group[groups[i]];
    for (ConflictKey &key : records[i].conflict_keys()) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
    }
  }
  const Timestamp now = Timestamp::now();
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  std::map<size_t, Uuid> canonical_of_group;
  for (auto &[group, index] : newest_of_group) {
    auto &group_keys = keys_of_group[group];
    std::sort(group_keys.begin(), group_keys.end());
    const StoredKeys stored = stored_keys(database, session, group_keys);
    Record &newest = records[index];
    const ConflictTarget target = resolve_conflict_target(newest, group_keys, stored);
    canonical_of_group[group] = upsert_task_run(database, session, newest, target, now);
  }
  // Every state is kept, even one older than the run's current state.
  for (const Record &record : records) {
    insert_state(database, session, canonical_of_group.at(record.group), record.state, now);
  }
  transaction.commit();
}

}  // namespace

bool is_client_task_run_event(const ReceivedEvent &event) {
  return event.event.starts_with("prefect.task-run") && event.resource_label("prefect.orchestration") == "client";
}

void record_task_run_events(DatabaseInterface &database, const std::vector<const ReceivedEvent *> &events) {
  if (events.empty()) return;
  std::vector<Record> records;
  records.reserve(events.size());
  for (const ReceivedEvent *event : events) records.push_back(record_from_event(*event));
  try {
    record_once(database, records);
  } catch (const DatabaseError &error) {
    if (error.status() != PD_CONSTRAINT) throw;
    // Another writer may have created a row between our read and our
    // upsert: once more, against what is stored now.
    spdlog::info("retrying task run upsert after a constraint violation: {}", error.what());
    record_once(database, records);
  }
}

}  // namespace prefectd
