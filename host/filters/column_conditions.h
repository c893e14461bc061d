// The operators Prefect's leaf filters apply to one column (filters.md §3),
// each returning one SQL condition with its values bound through the builder.
#pragma once

#include "conditions.h"
#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

// `expression IN (...)`; an empty list matches nothing, as SQLAlchemy's
// empty IN does.
std::string in_list(SqlBuilder &sql, std::string_view expression, const std::vector<std::string> &values);
std::string in_list(SqlBuilder &sql, std::string_view expression, const std::vector<Uuid> &values);
// `expression NOT IN (...)`; callers apply it only to non-empty lists.
std::string not_in_list(SqlBuilder &sql, std::string_view expression, const std::vector<std::string> &values);
std::string not_in_list(SqlBuilder &sql, std::string_view expression, const std::vector<Uuid> &values);

std::string is_null(std::string_view expression, bool null);

// Case-insensitive substring match (`ILIKE '%text%'`); `%` and `_` in
// `text` keep their LIKE meaning, as in Prefect.
std::string contains_ignoring_case(SqlBuilder &sql, std::string_view expression, const std::string &text);

// A JSON array of strings, as JSON text.
std::string json_string_array(const std::vector<std::string> &items);

// A tags object ({all_, any_, is_null_, operator}) on the JSON array
// `column`: all_ = superset (ignored when empty), any_ = overlap (an empty
// list matches nothing), is_null_ = the array is (not) empty.
std::string tags_condition(SqlBuilder &sql, const rapidjson::Value &tags, std::string_view column);

// Leaf filter objects, as the list of conditions their populated members
// give (Prefect's _get_filter_list); wrap them with combine().
// {any_ (IN), not_any_ (NOT IN, when non-empty)} over UUIDs or strings.
Conditions uuid_membership(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view column);
Conditions string_membership(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view column);
// {any_, like_ (ignored when empty)}.
Conditions name_match(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view column);
// {before_ (<=), after_ (>=)} on `expression`.
Conditions time_range(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view expression);
// {is_null_} on `expression`.
Conditions null_check(const rapidjson::Value &filter, std::string_view expression);

// Appends `more` to `conditions`.
void append(Conditions &conditions, Conditions more);

}  // namespace prefectd
