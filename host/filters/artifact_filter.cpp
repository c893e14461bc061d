#include "artifact_filter.h"

#include "column_conditions.h"
#include "filter_json.h"

namespace prefectd {
namespace {

using filter_json::member;

// The two filters differ only in which id column they restrict.
std::string artifact_like_condition(SqlBuilder &sql, const rapidjson::Value &filter, const std::string &alias,
                                    const char *id_member, const char *id_column) {
  Conditions conditions;
  if (auto *id = member(&filter, id_member)) {
    conditions.push_back(combine(uuid_membership(sql, *id, alias + "." + id_column)));
  }
  if (auto *key = member(&filter, "key")) {
    Conditions parts = name_match(sql, *key, alias + ".key");
    if (auto exists = filter_json::boolean(key, "exists_")) parts.push_back(is_null(alias + ".key", !*exists));
    conditions.push_back(combine(parts));
  }
  if (auto *flow_run_id = member(&filter, "flow_run_id")) {
    conditions.push_back(combine(uuid_membership(sql, *flow_run_id, alias + ".flow_run_id")));
  }
  if (auto *task_run_id = member(&filter, "task_run_id")) {
    conditions.push_back(combine(uuid_membership(sql, *task_run_id, alias + ".task_run_id")));
  }
  if (auto *type = member(&filter, "type"))
    conditions.push_back(combine(string_membership(sql, *type, alias + ".type")));
  return combine(conditions, filter_json::is_or(&filter));
}

}  // namespace

std::string artifact_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias) {
  return artifact_like_condition(sql, filter, std::string(alias), "id", "id");
}

std::string artifact_collection_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter,
                                                 std::string_view alias) {
  return artifact_like_condition(sql, filter, std::string(alias), "latest_id", "latest_id");
}

}  // namespace prefectd
