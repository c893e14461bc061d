// WorkPoolFilter (filters.md §3) compiled to a condition on a work_pool row.
#pragma once

#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

// A condition on the work_pool row named `alias`; TRUE when `filter` has no criteria.
std::string work_pool_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias);

}  // namespace prefectd
