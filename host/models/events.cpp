#include "events.h"

#include "api/json_writer.h"
#include "database/database_interface.h"
#include "filters/event_filter.h"
#include "filters/sql_builder.h"

#include <rapidjson/document.h>

namespace prefectd {
namespace {

constexpr const char *kResourceId = "prefect.resource.id";
constexpr const char *kResourceRole = "prefect.resource.role";

std::string labels_json(const ResourceLabels &labels, bool without_id_and_role) {
  rapidjson::Document object(rapidjson::kObjectType);
  auto &allocator = object.GetAllocator();
  for (const auto &[name, value] : labels) {
    if (without_id_and_role && (name == kResourceId || name == kResourceRole)) continue;
    object.AddMember(rapidjson::Value(name.c_str(), allocator), rapidjson::Value(value.c_str(), allocator), allocator);
  }
  return to_json(object);
}

std::string related_json(const std::vector<ResourceLabels> &related) {
  std::string json = "[";
  for (size_t i = 0; i < related.size(); ++i) json += (i ? "," : "") + labels_json(related[i], false);
  return json + "]";
}

std::string related_ids_json(const std::vector<ResourceLabels> &related) {
  rapidjson::Document ids(rapidjson::kArrayType);
  for (const auto &resource : related) {
    auto id = resource.find(kResourceId);
    ids.PushBack(rapidjson::Value(id == resource.end() ? "" : id->second.c_str(), ids.GetAllocator()),
                 ids.GetAllocator());
  }
  return to_json(ids);
}

bool stored(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement find = session.prepare("SELECT 1 FROM events WHERE id = " + database.queries().placeholder(1));
  find.bind(1, id);
  return find.step();
}

void insert_resource(DatabaseInterface &database, Session &session, const ReceivedEvent &event,
                     const ResourceLabels &resource, const std::string &role, Timestamp now) {
  const QueryComponents &q = database.queries();
  Statement insert = session.prepare(
      "INSERT INTO event_resources (id, occurred, resource_id, resource_role, resource, event_id, created, updated) "
      "VALUES (" +
      q.placeholder_list(1, 7) + ", " + q.placeholder(7) + ")");
  auto id = resource.find(kResourceId);
  insert.bind(1, Uuid::v7())
      .bind(2, event.occurred)
      .bind(3, id == resource.end() ? std::string_view() : std::string_view(id->second))
      .bind(4, role)
      .bind_json(5, labels_json(resource, true))
      .bind(6, event.id)
      .bind(7, now);
  insert.execute();
}

ResourceLabels labels_from_json(const std::string &json) {
  rapidjson::Document parsed;
  parsed.Parse(json.c_str());
  ResourceLabels labels;
  if (!parsed.IsObject()) return labels;
  for (const auto &label : parsed.GetObject()) {
    if (label.value.IsString()) labels.emplace(label.name.GetString(), label.value.GetString());
  }
  return labels;
}

std::vector<ResourceLabels> related_from_json(const std::string &json) {
  rapidjson::Document parsed;
  parsed.Parse(json.c_str());
  std::vector<ResourceLabels> related;
  if (!parsed.IsArray()) return related;
  for (const auto &item : parsed.GetArray()) related.push_back(labels_from_json(to_json(item)));
  return related;
}

}  // namespace

StoredEventPage read_events(DatabaseInterface &database, Session &session, const rapidjson::Value &filter,
                            int64_t limit, int64_t offset) {
  StoredEventPage page;
  SqlBuilder count_sql(database.queries());
  const std::string count_condition = event_filter_condition(count_sql, filter);
  Statement count = session.prepare("SELECT COUNT(*) FROM events WHERE " + count_condition);
  count_sql.bind(count);
  if (count.step()) page.total = count.int64(0).value_or(0);

  SqlBuilder sql(database.queries());
  const std::string condition = event_filter_condition(sql, filter);
  const std::string order = event_filter_order(filter);
  const std::string limit_placeholder = sql.param(limit);
  const std::string offset_placeholder = sql.param(offset);
  Statement read = session.prepare(
      "SELECT events.id, events.occurred, events.event, events.resource, events.related, events.payload, "
      "events.follows, events.received FROM events WHERE " +
      condition + " ORDER BY events.occurred " + order + ", events.id " + order + " LIMIT " + limit_placeholder +
      " OFFSET " + offset_placeholder);
  sql.bind(read);
  while (read.step()) {
    ReceivedEvent event;
    event.id = *read.uuid(0);
    event.occurred = *read.timestamp(1);
    event.event = read.text(2).value_or("");
    event.resource = labels_from_json(read.json(3).value_or("{}"));
    event.related = related_from_json(read.json(4).value_or("[]"));
    event.payload_json = read.json(5).value_or("{}");
    event.follows = read.uuid(6);
    event.received = *read.timestamp(7);
    page.events.push_back(std::move(event));
  }
  return page;
}

void write_events(DatabaseInterface &database, const std::vector<const ReceivedEvent *> &events) {
  if (events.empty()) return;
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  for (const ReceivedEvent *event : events) {
    if (stored(database, session, event->id)) continue;
    Statement insert = session.prepare(
        "INSERT INTO events (id, occurred, event, resource_id, resource, related_resource_ids, related, payload, "
        "received, recorded, follows, created, updated) VALUES (" +
        q.placeholder_list(1, 12) + ", " + q.placeholder(12) + ")" + q.upsert_clause({"id"}, {}));
    insert.bind(1, event->id)
        .bind(2, event->occurred)
        .bind(3, event->event)
        .bind(4, event->resource_id())
        .bind_json(5, labels_json(event->resource, false))
        .bind_json(6, related_ids_json(event->related))
        .bind_json(7, related_json(event->related))
        .bind_json(8, event->payload_json)
        .bind(9, event->received)
        .bind(10, now)
        .bind(11, event->follows)
        .bind(12, now);
    if (insert.execute() == 0) continue;  // stored meanwhile by another writer
    insert_resource(database, session, *event, event->resource, "", now);
    for (const ResourceLabels &related : event->related) {
      auto role = related.find(kResourceRole);
      insert_resource(database, session, *event, related, role == related.end() ? "" : role->second, now);
    }
  }
  transaction.commit();
}

}  // namespace prefectd
