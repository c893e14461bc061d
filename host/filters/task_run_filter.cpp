#include "task_run_filter.h"

#include "column_conditions.h"
#include "filter_json.h"

namespace prefectd {
namespace {

using filter_json::member;

// As FlowRunFilterState: a part is kept only when it is one comparison.
std::string state_condition(SqlBuilder &sql, const rapidjson::Value &state, const std::string &run) {
  Conditions conditions;
  for (const auto &[key, column] : {std::pair{"type", ".state_type"}, std::pair{"name", ".state_name"}}) {
    const rapidjson::Value *part = member(&state, key);
    if (part == nullptr || !filter_json::strings(part, "any_")) continue;
    conditions.push_back(in_list(sql, run + column, *filter_json::strings(part, "any_")));
  }
  return combine(conditions, filter_json::is_or(&state));
}

// True: some flow run has this task run as its parent (a subflow's tracking task).
std::string subflow_runs_condition(SqlBuilder &sql, const rapidjson::Value &subflows, const std::string &run) {
  Conditions conditions;
  if (auto exists = filter_json::boolean(&subflows, "exists_")) {
    const std::string f = sql.alias("flow_run");
    conditions.push_back(std::string(*exists ? "" : "NOT ") + "EXISTS (SELECT 1 FROM flow_run " + f + " WHERE " + f +
                         ".parent_task_run_id = " + run + ".id)");
  }
  return combine(conditions);
}

// is_null_ defaults to false, so `{}` means "has a flow run"; an explicit
// null leaves only any_.
std::string flow_run_id_condition(SqlBuilder &sql, const rapidjson::Value &flow_run_id, const std::string &run) {
  const std::string column = run + ".flow_run_id";
  const std::optional<bool> null =
      filter_json::has(&flow_run_id, "is_null_") ? filter_json::boolean(&flow_run_id, "is_null_") : false;
  const auto any = filter_json::uuids(&flow_run_id, "any_");
  Conditions conditions;
  if (null == true) {
    conditions.push_back(is_null(column, true));
  } else if (null == false && !any) {
    conditions.push_back(is_null(column, false));
  } else if (any) {
    conditions.push_back(in_list(sql, column, *any));
  }
  return combine(conditions, filter_json::is_or(&flow_run_id));
}

}  // namespace

std::string task_run_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  const std::string a(alias);
  Conditions conditions;
  if (auto *id = member(&filter, "id")) conditions.push_back(combine(uuid_membership(sql, *id, a + ".id")));
  if (auto *name = member(&filter, "name")) conditions.push_back(combine(name_match(sql, *name, a + ".name")));
  if (auto *tags = member(&filter, "tags")) conditions.push_back(tags_condition(sql, *tags, a + ".tags"));
  if (auto *state = member(&filter, "state")) conditions.push_back(state_condition(sql, *state, a));
  for (const char *key : {"start_time", "end_time"}) {
    if (auto *range = member(&filter, key)) {
      Conditions parts = time_range(sql, *range, a + "." + key);
      append(parts, null_check(*range, a + "." + key));
      conditions.push_back(combine(parts));
    }
  }
  if (auto *expected = member(&filter, "expected_start_time")) {
    conditions.push_back(combine(time_range(sql, *expected, a + ".expected_start_time")));
  }
  if (auto *subflows = member(&filter, "subflow_runs")) {
    conditions.push_back(subflow_runs_condition(sql, *subflows, a));
  }
  if (auto *flow_run_id = member(&filter, "flow_run_id")) {
    conditions.push_back(flow_run_id_condition(sql, *flow_run_id, a));
  }
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
