// DeploymentFilter (filters.md §3) compiled to a condition on a deployment row.
#pragma once

#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

// A condition on the deployment row named `alias`; TRUE when `filter` has no criteria.
std::string deployment_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias);

}  // namespace prefectd
