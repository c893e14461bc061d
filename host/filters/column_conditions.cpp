#include "column_conditions.h"

#include "database/query_components.h"
#include "filter_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace prefectd {
namespace {

template <typename Item>
std::string placeholder_list(SqlBuilder &sql, const std::vector<Item> &values) {
  std::string list;
  for (const Item &value : values) {
    if (!list.empty()) list += ", ";
    list += sql.param(value);
  }
  return list;
}

template <typename Item>
std::string membership(SqlBuilder &sql, std::string_view expression, const std::vector<Item> &values, bool negated) {
  if (values.empty()) return std::string(negated ? kAlwaysTrue : kNeverTrue);
  return std::string(expression) + (negated ? " NOT IN (" : " IN (") + placeholder_list(sql, values) + ")";
}

}  // namespace

std::string in_list(SqlBuilder &sql, std::string_view expression, const std::vector<std::string> &values) {
  return membership(sql, expression, values, false);
}

std::string in_list(SqlBuilder &sql, std::string_view expression, const std::vector<Uuid> &values) {
  return membership(sql, expression, values, false);
}

std::string not_in_list(SqlBuilder &sql, std::string_view expression, const std::vector<std::string> &values) {
  return membership(sql, expression, values, true);
}

std::string not_in_list(SqlBuilder &sql, std::string_view expression, const std::vector<Uuid> &values) {
  return membership(sql, expression, values, true);
}

std::string is_null(std::string_view expression, bool null) {
  return std::string(expression) + (null ? " IS NULL" : " IS NOT NULL");
}

std::string contains_ignoring_case(SqlBuilder &sql, std::string_view expression, const std::string &text) {
  return sql.queries().ilike(std::string(expression), sql.param("%" + text + "%"));
}

std::string json_string_array(const std::vector<std::string> &items) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const auto &item : items) writer.String(item.c_str(), static_cast<rapidjson::SizeType>(item.size()));
  writer.EndArray();
  return buffer.GetString();
}

std::string tags_condition(SqlBuilder &sql, const rapidjson::Value &tags, std::string_view column) {
  const QueryComponents &q = sql.queries();
  const std::string tag_column(column);
  Conditions conditions;
  if (auto all = filter_json::strings(&tags, "all_"); all && !all->empty()) {
    conditions.push_back(q.json_has_all(tag_column, sql.param(JsonText{json_string_array(*all)})));
  }
  if (auto any = filter_json::strings(&tags, "any_")) {
    conditions.push_back(any->empty() ? std::string(kNeverTrue)
                                      : q.json_has_any(tag_column, sql.param(JsonText{json_string_array(*any)})));
  }
  if (auto null = filter_json::boolean(&tags, "is_null_")) {
    // Prefect compares with `[]`; "has no elements" says the same on both dialects.
    conditions.push_back(std::string(*null ? "NOT " : "") + "EXISTS (" + q.json_array_elements(tag_column) + ")");
  }
  return combine(conditions, filter_json::is_or(&tags));
}

Conditions uuid_membership(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view column) {
  Conditions conditions;
  if (auto any = filter_json::uuids(&filter, "any_")) conditions.push_back(in_list(sql, column, *any));
  if (auto none = filter_json::uuids(&filter, "not_any_"); none && !none->empty()) {
    conditions.push_back(not_in_list(sql, column, *none));
  }
  return conditions;
}

Conditions string_membership(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view column) {
  Conditions conditions;
  if (auto any = filter_json::strings(&filter, "any_")) conditions.push_back(in_list(sql, column, *any));
  if (auto none = filter_json::strings(&filter, "not_any_"); none && !none->empty()) {
    conditions.push_back(not_in_list(sql, column, *none));
  }
  return conditions;
}

Conditions name_match(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view column) {
  Conditions conditions;
  if (auto any = filter_json::strings(&filter, "any_")) conditions.push_back(in_list(sql, column, *any));
  if (auto like = filter_json::string(&filter, "like_"); like && !like->empty()) {
    conditions.push_back(contains_ignoring_case(sql, column, *like));
  }
  return conditions;
}

Conditions time_range(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view expression) {
  Conditions conditions;
  if (auto before = filter_json::timestamp(&filter, "before_")) {
    conditions.push_back(std::string(expression) + " <= " + sql.param(*before));
  }
  if (auto after = filter_json::timestamp(&filter, "after_")) {
    conditions.push_back(std::string(expression) + " >= " + sql.param(*after));
  }
  return conditions;
}

Conditions null_check(const rapidjson::Value &filter, std::string_view expression) {
  Conditions conditions;
  if (auto null = filter_json::boolean(&filter, "is_null_")) conditions.push_back(is_null(expression, *null));
  return conditions;
}

void append(Conditions &conditions, Conditions more) {
  for (auto &condition : more) conditions.push_back(std::move(condition));
}

}  // namespace prefectd
