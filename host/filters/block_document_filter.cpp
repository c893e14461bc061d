#include "block_document_filter.h"

#include "column_conditions.h"
#include "filter_json.h"

namespace prefectd {

std::string block_document_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  using filter_json::member;
  const std::string a(alias);
  Conditions conditions;
  if (auto *id = member(&filter, "id")) conditions.push_back(combine(uuid_membership(sql, *id, a + ".id")));
  if (auto *anonymous = member(&filter, "is_anonymous"))
    if (auto eq = filter_json::boolean(anonymous, "eq_")) conditions.push_back(a + ".is_anonymous = " + sql.param(*eq));
  if (auto *type = member(&filter, "block_type_id"))
    conditions.push_back(combine(uuid_membership(sql, *type, a + ".block_type_id")));
  if (auto *name = member(&filter, "name")) {
    Conditions name_conditions = string_membership(sql, *name, a + ".name");
    if (auto like = filter_json::string(name, "like_"))
      name_conditions.push_back(contains_ignoring_case(sql, a + ".name", *like));
    conditions.push_back(combine(name_conditions));
  }
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
