#include "log_filter.h"

#include "column_conditions.h"
#include "filter_json.h"
#include "log_text_search.h"

namespace prefectd {
namespace {

using filter_json::member;

// Unlike the other members, text search adds its conditions to the log
// filter's own list (so an or_ filter ORs them with the rest), as Prefect does.
void add_text_conditions(SqlBuilder &sql, Conditions &conditions, const rapidjson::Value &text,
                         const std::string &log) {
  const auto query = filter_json::string(&text, "query");
  if (!query) return;
  const TextSearchQuery parsed = parse_text_search_query(*query);
  const std::string searchable = "(" + log + ".message || ' ' || " + log + ".name)";
  auto matches = [&](const std::string &term) { return contains_ignoring_case(sql, searchable, term); };
  if (!parsed.include.empty()) {
    Conditions any;
    for (const auto &term : parsed.include) any.push_back(matches(term));
    conditions.push_back(combine(any, true));
  }
  if (!parsed.exclude.empty()) {
    Conditions none;
    for (const auto &term : parsed.exclude) none.push_back("NOT " + matches(term));
    conditions.push_back(combine(none));
  }
  if (!parsed.required.empty()) {
    Conditions all;
    for (const auto &term : parsed.required) all.push_back(matches(term));
    conditions.push_back(combine(all));
  }
}

}  // namespace

std::string log_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  const std::string a(alias);
  Conditions conditions;
  if (auto *level = member(&filter, "level")) {
    Conditions parts;
    if (auto at_least = filter_json::integer(level, "ge_")) parts.push_back(a + ".level >= " + sql.param(*at_least));
    if (auto at_most = filter_json::integer(level, "le_")) parts.push_back(a + ".level <= " + sql.param(*at_most));
    conditions.push_back(combine(parts));
  }
  if (auto *timestamp = member(&filter, "timestamp")) {
    conditions.push_back(combine(time_range(sql, *timestamp, a + ".\"timestamp\"")));
  }
  if (auto *flow_run_id = member(&filter, "flow_run_id")) {
    conditions.push_back(combine(uuid_membership(sql, *flow_run_id, a + ".flow_run_id")));
  }
  if (auto *task_run_id = member(&filter, "task_run_id")) {
    Conditions parts = uuid_membership(sql, *task_run_id, a + ".task_run_id");
    append(parts, null_check(*task_run_id, a + ".task_run_id"));
    conditions.push_back(combine(parts));
  }
  if (auto *text = member(&filter, "text")) add_text_conditions(sql, conditions, *text, a);
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
