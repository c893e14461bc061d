// The log table: batch inserts as clients send them, filtered reads.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"
#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "schemas/log.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

// Inserts every log (their created/updated are set to now), in multi-row
// statements of bounded size.
void insert_logs(DatabaseInterface &database, Session &session, const std::vector<Log> &logs);

// Logs matching `filters.logs`, ordered by the LogSort value `sort`.
std::vector<Log> read_logs(DatabaseInterface &database, Session &session, const FilterSet &filters,
                           std::string_view sort, const Page &page);

}  // namespace prefectd
