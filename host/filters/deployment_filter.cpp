#include "deployment_filter.h"

#include "column_conditions.h"
#include "database/query_components.h"
#include "filter_json.h"

namespace prefectd {
namespace {

using filter_json::member;

// The deployment's name or its flow's name contains the text.
std::string flow_or_deployment_name_condition(SqlBuilder &sql, const rapidjson::Value &filter,
                                              const std::string &deployment) {
  Conditions conditions;
  if (auto like = filter_json::string(&filter, "like_"); like && !like->empty()) {
    const std::string f = sql.alias("flow");
    const std::string pattern = sql.param("%" + *like + "%");
    const QueryComponents &q = sql.queries();
    conditions.push_back(q.ilike(deployment + ".name", pattern) + " OR EXISTS (SELECT 1 FROM flow " + f + " WHERE " +
                         f + ".id = " + deployment + ".flow_id AND " + q.ilike(f + ".name", pattern) + ")");
  }
  return combine(conditions);
}

}  // namespace

std::string deployment_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  const std::string a(alias);
  Conditions conditions;
  if (auto *id = member(&filter, "id")) conditions.push_back(combine(uuid_membership(sql, *id, a + ".id")));
  if (auto *name = member(&filter, "name")) conditions.push_back(combine(name_match(sql, *name, a + ".name")));
  if (auto *either = member(&filter, "flow_or_deployment_name")) {
    conditions.push_back(flow_or_deployment_name_condition(sql, *either, a));
  }
  if (auto *paused = member(&filter, "paused")) {
    Conditions parts;
    if (auto equals = filter_json::boolean(paused, "eq_")) parts.push_back(a + ".paused = " + sql.param(*equals));
    conditions.push_back(combine(parts));
  }
  if (auto *tags = member(&filter, "tags")) conditions.push_back(tags_condition(sql, *tags, a + ".tags"));
  if (auto *queue = member(&filter, "work_queue_name")) {
    conditions.push_back(combine(string_membership(sql, *queue, a + ".work_queue_name")));
  }
  // concurrency_limit is deprecated and accepted without effect, as in Prefect.
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
