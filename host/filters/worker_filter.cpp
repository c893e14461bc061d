#include "worker_filter.h"

#include "column_conditions.h"
#include "filter_json.h"

namespace prefectd {

std::string worker_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  using filter_json::member;
  const std::string a(alias);
  Conditions conditions;
  if (auto *heard = member(&filter, "last_heartbeat_time")) {
    conditions.push_back(combine(time_range(sql, *heard, a + ".last_heartbeat_time")));
  }
  if (auto *status = member(&filter, "status")) {
    conditions.push_back(combine(string_membership(sql, *status, a + ".status")));
  }
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace prefectd
