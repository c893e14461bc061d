// limit, offset and page of "read many" bodies (filters.md §5).
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>

namespace prefectd {

class Settings;

// Prefect's LimitBody: absent or null gives PREFECT_SERVER_API_DEFAULT_LIMIT;
// below 0 or above that default is a 422 {"detail": "Invalid limit: ..."}.
int64_t limit_from_body(const rapidjson::Value &body, const Settings &settings);
// `offset`, default 0 (the contract rejects negative values).
int64_t offset_from_body(const rapidjson::Value &body);
// `page`, default 1 (the contract rejects values below 1).
int64_t page_from_body(const rapidjson::Value &body);
// `limit` of a bulk body (Prefect's BULK_OPERATION_LIMIT: 1..50, default
// 50). The contract already bounds it; the clamp keeps a body that slipped
// past harmless.
int64_t bulk_limit_from_body(const rapidjson::Value &body);
// How many pages of `limit` rows hold `count` rows (0 when limit is 0).
int64_t page_count(int64_t count, int64_t limit);
// A "paginate" answer: {"results", "count", "limit", "pages", "page"}.
// `results` (allocated with `document`'s allocator) is moved into
// `document`, which becomes the answer.
std::string paginated_json(rapidjson::Document &document, rapidjson::Value &results, int64_t count, int64_t limit,
                           int64_t page);

}  // namespace prefectd
