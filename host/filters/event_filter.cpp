#include "event_filter.h"

#include "database/query_components.h"

#include <stdexcept>
#include <vector>

namespace prefectd {
namespace {

constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kDefaultLookbackDays = 180;

const rapidjson::Value *member(const rapidjson::Value &object, const char *name) {
  if (!object.IsObject()) return nullptr;
  auto found = object.FindMember(name);
  if (found == object.MemberEnd() || found->value.IsNull()) return nullptr;
  return &found->value;
}

std::vector<std::string> strings(const rapidjson::Value *list) {
  std::vector<std::string> values;
  if (!list || !list->IsArray()) return values;
  for (const auto &item : list->GetArray()) {
    if (item.IsString()) values.emplace_back(item.GetString(), item.GetStringLength());
  }
  return values;
}

std::string join(const std::vector<std::string> &parts, const char *separator) {
  std::string joined;
  for (const auto &part : parts) joined += (joined.empty() ? "" : separator) + part;
  return joined;
}

// `column` equals one of `values`; nothing when `values` is absent.
void add_in(SqlBuilder &sql, std::vector<std::string> &conditions, const std::string &column,
            const rapidjson::Value *values, bool negate = false) {
  if (!values) return;
  std::vector<std::string> placeholders;
  for (const std::string &value : strings(values)) placeholders.push_back(sql.param(value));
  if (placeholders.empty()) {
    conditions.emplace_back(negate ? "1 = 1" : "1 = 0");
    return;
  }
  conditions.push_back(column + (negate ? " NOT IN (" : " IN (") + join(placeholders, ", ") + ")");
}

// `column` starts with one of `prefixes` (substr keeps the value out of a LIKE pattern).
void add_prefix(SqlBuilder &sql, std::vector<std::string> &conditions, const std::string &column,
                const rapidjson::Value *prefixes, bool negate = false) {
  if (!prefixes) return;
  std::vector<std::string> matches;
  for (const std::string &prefix : strings(prefixes)) {
    // PostgreSQL's substr takes an integer, not the bigint a bound int64 is.
    int64_t characters = 0;
    for (unsigned char byte : prefix) characters += (byte & 0xC0) != 0x80;
    matches.push_back("substr(" + column + ", 1, CAST(" + sql.param(characters) +
                      " AS INTEGER)) = " + sql.param(prefix));
  }
  if (matches.empty()) {
    conditions.emplace_back(negate ? "1 = 1" : "1 = 0");
    return;
  }
  conditions.push_back((negate ? "NOT (" : "(") + join(matches, " OR ") + ")");
}

void refuse_labels(const rapidjson::Value &filter, const char *name) {
  if (member(filter, "labels")) {
    throw std::invalid_argument(std::string(name) + ".labels is not supported by prefectd yet");
  }
}

// An event_resources row of the event matches `row_conditions`.
std::string resource_exists(const std::vector<std::string> &row_conditions, const std::string &alias) {
  return "EXISTS (SELECT 1 FROM event_resources " + alias + " WHERE " + alias + ".event_id = events.id" +
         (row_conditions.empty() ? std::string() : " AND " + join(row_conditions, " AND ")) + ")";
}

std::vector<const rapidjson::Value *> one_or_many(const rapidjson::Value *value) {
  std::vector<const rapidjson::Value *> items;
  if (!value) return items;
  if (value->IsArray()) {
    for (const auto &item : value->GetArray()) items.push_back(&item);
  } else {
    items.push_back(value);
  }
  return items;
}

}  // namespace

void complete_event_filter(rapidjson::Value &filter, rapidjson::Document::AllocatorType &allocator, Timestamp now) {
  if (!filter.IsObject()) filter.SetObject();
  auto occurred = filter.FindMember("occurred");
  if (occurred == filter.MemberEnd() || !occurred->value.IsObject()) {
    filter.RemoveMember("occurred");
    filter.AddMember("occurred", rapidjson::Value(rapidjson::kObjectType), allocator);
    occurred = filter.FindMember("occurred");
  }
  rapidjson::Value &window = occurred->value;
  auto text = [&allocator](const Timestamp &time) { return rapidjson::Value(time.to_iso8601().c_str(), allocator); };
  if (!member(window, "since")) {
    const int64_t start_of_today = now.micros() - now.micros() % kMicrosPerDay;
    window.RemoveMember("since");
    window.AddMember("since", text(Timestamp(start_of_today - kDefaultLookbackDays * kMicrosPerDay)), allocator);
  }
  if (!member(window, "until")) {
    window.RemoveMember("until");
    window.AddMember("until", text(now), allocator);
  }
  if (!member(filter, "order")) {
    filter.RemoveMember("order");
    filter.AddMember("order", "DESC", allocator);
  }
}

std::string event_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter) {
  std::vector<std::string> conditions;
  if (const rapidjson::Value *occurred = member(filter, "occurred")) {
    for (const char *bound : {"since", "until"}) {
      const rapidjson::Value *value = member(*occurred, bound);
      if (!value || !value->IsString()) continue;
      auto time = Timestamp::parse(value->GetString());
      if (!time) throw std::invalid_argument(std::string("occurred.") + bound + " is not a datetime");
      conditions.push_back(std::string("events.occurred ") + (bound == std::string("since") ? ">= " : "<= ") +
                           sql.param(*time));
    }
  }
  if (const rapidjson::Value *event = member(filter, "event")) {
    add_prefix(sql, conditions, "events.event", member(*event, "prefix"));
    add_prefix(sql, conditions, "events.event", member(*event, "exclude_prefix"), true);
    add_in(sql, conditions, "events.event", member(*event, "name"));
    add_in(sql, conditions, "events.event", member(*event, "exclude_name"), true);
  }
  if (const rapidjson::Value *resource = member(filter, "resource")) {
    refuse_labels(*resource, "resource");
    if (const rapidjson::Value *distinct = member(*resource, "distinct"); distinct && distinct->IsTrue()) {
      throw std::invalid_argument("resource.distinct is not supported by prefectd yet");
    }
    add_in(sql, conditions, "events.resource_id", member(*resource, "id"));
    add_prefix(sql, conditions, "events.resource_id", member(*resource, "id_prefix"));
  }
  for (const rapidjson::Value *related : one_or_many(member(filter, "related"))) {
    refuse_labels(*related, "related");
    const std::string alias = sql.alias("event_resources");
    std::vector<std::string> row{alias + ".resource_role <> ''"};
    add_in(sql, row, alias + ".resource_id", member(*related, "id"));
    add_in(sql, row, alias + ".resource_role", member(*related, "role"));
    if (const rapidjson::Value *pairs = member(*related, "resources_in_roles"); pairs && pairs->IsArray()) {
      std::vector<std::string> any;
      for (const auto &pair : pairs->GetArray()) {
        if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) continue;
        any.push_back("(" + alias + ".resource_id = " + sql.param(std::string(pair[0].GetString())) + " AND " + alias +
                      ".resource_role = " + sql.param(std::string(pair[1].GetString())) + ")");
      }
      row.push_back(any.empty() ? "1 = 0" : "(" + join(any, " OR ") + ")");
    }
    conditions.push_back(resource_exists(row, alias));
  }
  for (const rapidjson::Value *any_resource : one_or_many(member(filter, "any_resource"))) {
    refuse_labels(*any_resource, "any_resource");
    const std::string alias = sql.alias("event_resources");
    std::vector<std::string> row;
    add_in(sql, row, alias + ".resource_id", member(*any_resource, "id"));
    add_prefix(sql, row, alias + ".resource_id", member(*any_resource, "id_prefix"));
    conditions.push_back(resource_exists(row, alias));
  }
  if (const rapidjson::Value *ids = member(filter, "id")) {
    if (const rapidjson::Value *list = member(*ids, "id")) {
      std::vector<std::string> placeholders;
      for (const std::string &text : strings(list)) {
        if (auto id = Uuid::parse(text)) placeholders.push_back(sql.param(*id));
      }
      conditions.push_back(placeholders.empty() ? "1 = 0" : "events.id IN (" + join(placeholders, ", ") + ")");
    }
  }
  if (member(filter, "text")) throw std::invalid_argument("text search of events is not supported by prefectd yet");
  return conditions.empty() ? "1 = 1" : join(conditions, " AND ");
}

std::string event_filter_order(const rapidjson::Value &filter) {
  const rapidjson::Value *order = member(filter, "order");
  return order && order->IsString() && std::string_view(order->GetString()) == "ASC" ? "ASC" : "DESC";
}

}  // namespace prefectd
