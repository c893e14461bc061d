#include "variable_filter.h"

#include "column_conditions.h"
#include "filter_json.h"

namespace prefectd {

std::string variable_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  using filter_json::member;
  const std::string a(alias);
  Conditions conditions;
  if (auto *id = member(&filter, "id")) conditions.push_back(combine(uuid_membership(sql, *id, a + ".id")));
  if (auto *name = member(&filter, "name")) conditions.push_back(combine(name_match(sql, *name, a + ".name")));
  if (auto *tags = member(&filter, "tags")) conditions.push_back(tags_condition(sql, *tags, a + ".tags"));
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
