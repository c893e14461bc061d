// BlockSchemaFilter (Prefect's schemas/filters.py) compiled to a condition on a block_schema row.
#pragma once

#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

// A condition on the block_schema row named `alias`; TRUE when `filter` has no criteria.
std::string block_schema_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias);

}  // namespace prefectd
