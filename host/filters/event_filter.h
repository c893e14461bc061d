// EventFilter (Prefect's events/filters.py) compiled to a condition on the
// `events` table: occurred, event names, the primary resource, related and
// any resources (through event_resources), event ids. Resource label
// specifications, text search and `distinct` are not supported yet.
#pragma once

#include "sql_builder.h"

#include <rapidjson/document.h>

#include <string>

namespace prefectd {

// Fills what Prefect's defaults fill: occurred.since (the start of today,
// UTC, less 180 days), occurred.until (now) and order (DESC), so that a
// filter carried in a page token keeps meaning the same window.
void complete_event_filter(rapidjson::Value &filter, rapidjson::Document::AllocatorType &allocator, Timestamp now);

// A condition on `events` for a completed filter; TRUE when it has no
// criteria. Throws std::invalid_argument for criteria not supported yet.
std::string event_filter_condition(SqlBuilder &sql, const rapidjson::Value &filter);

// "ASC" or "DESC".
std::string event_filter_order(const rapidjson::Value &filter);

}  // namespace prefectd
