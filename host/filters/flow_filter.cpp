#include "flow_filter.h"

#include "column_conditions.h"
#include "filter_json.h"

namespace prefectd {
namespace {

// is_null_ true: the flow has no deployment; false: it has at least one.
std::string deployment_condition(SqlBuilder &sql, const rapidjson::Value &deployment, const std::string &flow_id) {
  Conditions conditions;
  if (auto null = filter_json::boolean(&deployment, "is_null_")) {
    const std::string d = sql.alias("deployment");
    conditions.push_back(std::string(*null ? "NOT " : "") + "EXISTS (SELECT 1 FROM deployment " + d + " WHERE " + d +
                         ".flow_id = " + flow_id + ")");
  }
  return combine(conditions, filter_json::is_or(&deployment));
}

}  // namespace

std::string flow_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  using filter_json::member;
  const std::string a(alias);
  Conditions conditions;
  if (auto *id = member(&filter, "id")) conditions.push_back(combine(uuid_membership(sql, *id, a + ".id")));
  if (auto *deployment = member(&filter, "deployment")) {
    conditions.push_back(deployment_condition(sql, *deployment, a + ".id"));
  }
  if (auto *name = member(&filter, "name")) conditions.push_back(combine(name_match(sql, *name, a + ".name")));
  if (auto *tags = member(&filter, "tags")) conditions.push_back(tags_condition(sql, *tags, a + ".tags"));
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
