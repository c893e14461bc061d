#include "block_type_filter.h"

#include "column_conditions.h"
#include "filter_json.h"

namespace prefectd {

// BlockTypeFilter is not an operator filter: its criteria always AND.
std::string block_type_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  using filter_json::member;
  const std::string a(alias);
  Conditions conditions;
  if (auto *name = member(&filter, "name"))
    if (auto like = filter_json::string(name, "like_"))
      conditions.push_back(contains_ignoring_case(sql, a + ".name", *like));
  if (auto *slug = member(&filter, "slug")) append(conditions, string_membership(sql, *slug, a + ".slug"));
  return combine(conditions);
}

}  // namespace prefectd
