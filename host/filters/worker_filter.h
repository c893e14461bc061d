// WorkerFilter (filters.md §3) compiled to a condition on a worker row.
#pragma once

#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

// A condition on the worker row named `alias`; TRUE when `filter` has no criteria.
std::string worker_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias);

}  // namespace prefectd
