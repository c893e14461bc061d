// FlowRunFilter (filters.md §3) compiled to a condition on a flow_run row.
#pragma once

#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

// A condition on the flow_run row named `alias`; TRUE when `filter` has no criteria.
std::string flow_run_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias);

// Prefect's FlowRunFilter.only_filters_on_id: a non-empty id.any_, no
// id.not_any_ and no other criterion (task-run reads then use a plain IN).
bool flow_run_filter_only_on_ids(const rapidjson::Value &filter);

}  // namespace prefectd
