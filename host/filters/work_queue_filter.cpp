#include "work_queue_filter.h"

#include "column_conditions.h"
#include "database/query_components.h"
#include "filter_json.h"

namespace prefectd {
namespace {

// {any_, startswith_}: startswith_ is a case-insensitive prefix match ORed
// over its list (an empty list adds nothing).
std::string name_condition(SqlBuilder &sql, const rapidjson::Value &name, const std::string &column) {
  Conditions conditions = string_membership(sql, name, column);
  if (auto prefixes = filter_json::strings(&name, "startswith_"); prefixes && !prefixes->empty()) {
    Conditions any_prefix;
    for (const auto &prefix : *prefixes) any_prefix.push_back(sql.queries().ilike(column, sql.param(prefix + "%")));
    conditions.push_back(combine(any_prefix, true));
  }
  return combine(conditions);
}

}  // namespace

std::string work_queue_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  using filter_json::member;
  const std::string a(alias);
  Conditions conditions;
  if (auto *id = member(&filter, "id")) conditions.push_back(combine(uuid_membership(sql, *id, a + ".id")));
  if (auto *name = member(&filter, "name")) conditions.push_back(name_condition(sql, *name, a + ".name"));
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
