#include "flow_run_filter.h"

#include "column_conditions.h"
#include "database/query_components.h"
#include "filter_json.h"

namespace prefectd {
namespace {

using filter_json::member;

// Prefect keeps state.type and state.name only when each compiles to a
// single comparison: a type with both any_ and not_any_ is dropped.
std::string state_condition(SqlBuilder &sql, const rapidjson::Value &state, const std::string &run) {
  Conditions conditions;
  for (const auto &[key, column] : {std::pair{"type", ".state_type"}, std::pair{"name", ".state_name"}}) {
    const rapidjson::Value *part = member(&state, key);
    if (part == nullptr) continue;
    const auto none = filter_json::strings(part, "not_any_");
    const int comparisons = (filter_json::strings(part, "any_") ? 1 : 0) + (none && !none->empty() ? 1 : 0);
    if (comparisons != 1) continue;
    conditions.push_back(string_membership(sql, *part, run + column).front());
  }
  return combine(conditions, filter_json::is_or(&state));
}

// Subflows of the given runs: the run's parent task run belongs to one of them.
std::string parent_flow_run_condition(SqlBuilder &sql, const rapidjson::Value &parent, const std::string &run) {
  Conditions conditions;
  if (auto any = filter_json::uuids(&parent, "any_")) {
    const std::string t = sql.alias("task_run");
    conditions.push_back("EXISTS (SELECT 1 FROM task_run " + t + " WHERE " + t + ".id = " + run +
                         ".parent_task_run_id AND " + in_list(sql, t + ".flow_run_id", *any) + ")");
  }
  return combine(conditions, filter_json::is_or(&parent));
}

std::string created_by_condition(SqlBuilder &sql, const rapidjson::Value &created_by, const std::string &run) {
  const QueryComponents &q = sql.queries();
  const std::string column = run + ".created_by";
  Conditions conditions;
  if (auto ids = filter_json::uuids(&created_by, "id_")) {
    // The JSON holds the id as text in its canonical spelling.
    std::vector<std::string> texts;
    for (const Uuid &id : *ids) texts.push_back(id.to_string());
    conditions.push_back(in_list(sql, q.json_extract_text(column, "id"), texts));
  }
  if (auto types = filter_json::strings(&created_by, "type_")) {
    conditions.push_back(in_list(sql, q.json_extract_text(column, "type"), *types));
  }
  append(conditions, null_check(created_by, column));
  return combine(conditions, filter_json::is_or(&created_by));
}

}  // namespace

std::string flow_run_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  const std::string a(alias);
  Conditions conditions;
  if (auto *id = member(&filter, "id")) conditions.push_back(combine(uuid_membership(sql, *id, a + ".id")));
  if (auto *name = member(&filter, "name")) conditions.push_back(combine(name_match(sql, *name, a + ".name")));
  if (auto *tags = member(&filter, "tags")) conditions.push_back(tags_condition(sql, *tags, a + ".tags"));
  if (auto *deployment = member(&filter, "deployment_id")) {
    Conditions parts = uuid_membership(sql, *deployment, a + ".deployment_id");
    append(parts, null_check(*deployment, a + ".deployment_id"));
    conditions.push_back(combine(parts, filter_json::is_or(deployment)));
  }
  if (auto *queue = member(&filter, "work_queue_name")) {
    Conditions parts = string_membership(sql, *queue, a + ".work_queue_name");
    append(parts, null_check(*queue, a + ".work_queue_name"));
    conditions.push_back(combine(parts, filter_json::is_or(queue)));
  }
  if (auto *version = member(&filter, "flow_version")) {
    conditions.push_back(combine(string_membership(sql, *version, a + ".flow_version")));
  }
  if (auto *state = member(&filter, "state")) conditions.push_back(state_condition(sql, *state, a));
  if (auto *start = member(&filter, "start_time")) {
    // Ranges compare the actual start, or the expected one before the run starts.
    Conditions parts = time_range(sql, *start, "COALESCE(" + a + ".start_time, " + a + ".expected_start_time)");
    append(parts, null_check(*start, a + ".start_time"));
    conditions.push_back(combine(parts));
  }
  if (auto *end = member(&filter, "end_time")) {
    Conditions parts = time_range(sql, *end, a + ".end_time");
    append(parts, null_check(*end, a + ".end_time"));
    conditions.push_back(combine(parts));
  }
  if (auto *expected = member(&filter, "expected_start_time")) {
    conditions.push_back(combine(time_range(sql, *expected, a + ".expected_start_time")));
  }
  if (auto *next = member(&filter, "next_scheduled_start_time")) {
    conditions.push_back(combine(time_range(sql, *next, a + ".next_scheduled_start_time")));
  }
  if (auto *parent = member(&filter, "parent_flow_run_id")) {
    conditions.push_back(parent_flow_run_condition(sql, *parent, a));
  }
  if (auto *parent_task = member(&filter, "parent_task_run_id")) {
    Conditions parts = uuid_membership(sql, *parent_task, a + ".parent_task_run_id");
    append(parts, null_check(*parent_task, a + ".parent_task_run_id"));
    conditions.push_back(combine(parts, filter_json::is_or(parent_task)));
  }
  if (auto *key = member(&filter, "idempotency_key")) {
    conditions.push_back(combine(string_membership(sql, *key, a + ".idempotency_key")));
  }
  if (auto *created_by = member(&filter, "created_by")) {
    conditions.push_back(created_by_condition(sql, *created_by, a));
  }
  return combine(conditions, filter_json::is_or(&filter));
}

bool flow_run_filter_only_on_ids(const rapidjson::Value &filter) {
  if (!filter.IsObject()) return false;
  const rapidjson::Value *id = member(&filter, "id");
  auto any = filter_json::uuids(id, "any_");
  auto none = filter_json::uuids(id, "not_any_");
  if (!any || any->empty() || (none && !none->empty())) return false;
  for (const auto &field : filter.GetObject()) {
    const std::string_view key(field.name.GetString(), field.name.GetStringLength());
    if (key != "id" && key != "operator" && !field.value.IsNull()) return false;
  }
  return true;
}

}  // namespace prefectd
