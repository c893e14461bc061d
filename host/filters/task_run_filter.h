// TaskRunFilter (filters.md §3) compiled to a condition on a task_run row.
#pragma once

#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

// A condition on the task_run row named `alias`; TRUE when `filter` has no criteria.
std::string task_run_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias);

}  // namespace prefectd
