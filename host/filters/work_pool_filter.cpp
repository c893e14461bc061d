#include "work_pool_filter.h"

#include "column_conditions.h"
#include "filter_json.h"

namespace prefectd {

std::string work_pool_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  using filter_json::member;
  const std::string a(alias);
  Conditions conditions;
  if (auto *id = member(&filter, "id")) conditions.push_back(combine(uuid_membership(sql, *id, a + ".id")));
  if (auto *name = member(&filter, "name")) conditions.push_back(combine(string_membership(sql, *name, a + ".name")));
  if (auto *type = member(&filter, "type")) conditions.push_back(combine(string_membership(sql, *type, a + ".type")));
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
