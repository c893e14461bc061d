// ArtifactFilter and ArtifactCollectionFilter (filters.md §3) compiled to a
// condition on an artifact or artifact_collection row.
#pragma once

#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace prefectd {

// A condition on the artifact row named `alias`; TRUE when `filter` has no criteria.
std::string artifact_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter, std::string_view alias);
// The same over an artifact_collection row, whose `latest_id` takes the place of `id`.
std::string artifact_collection_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter,
                                                 std::string_view alias);

}  // namespace prefectd
