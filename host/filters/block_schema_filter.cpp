#include "block_schema_filter.h"

#include "column_conditions.h"
#include "database/query_components.h"
#include "filter_json.h"

namespace prefectd {

std::string block_schema_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  using filter_json::member;
  const std::string a(alias);
  Conditions conditions;
  if (auto *type = member(&filter, "block_type_id"))
    conditions.push_back(combine(uuid_membership(sql, *type, a + ".block_type_id")));
  if (auto *capabilities = member(&filter, "block_capabilities"))
    if (auto all = filter_json::strings(capabilities, "all_"))
      conditions.push_back(
          sql.queries().json_has_all(a + ".capabilities", sql.param(JsonText{json_string_array(*all)})));
  if (auto *id = member(&filter, "id")) conditions.push_back(combine(uuid_membership(sql, *id, a + ".id")));
  if (auto *version = member(&filter, "version"))
    conditions.push_back(combine(string_membership(sql, *version, a + ".version")));
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
