// BlockDocumentFilter (Prefect's schemas/filters.py) compiled to a condition on a block_document row.
#pragma once

#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

// A condition on the block_document row named `alias`; TRUE when `filter` has no criteria.
std::string block_document_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias);

}  // namespace prefectd
