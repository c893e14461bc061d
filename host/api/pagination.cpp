#include "pagination.h"

#include "error_responses.h"
#include "filters/filter_json.h"
#include "json_writer.h"
#include "settings/settings.h"

#include <algorithm>
#include <string>

namespace prefectd {

int64_t limit_from_body(const rapidjson::Value &body, const Settings &settings) {
  const int64_t default_limit = settings.integer("PREFECT_SERVER_API_DEFAULT_LIMIT");
  const int64_t limit = filter_json::integer(&body, "limit").value_or(default_limit);
  if (limit < 0) throw_detail(422, "Invalid limit: must be greater than or equal to 0.");
  if (limit > default_limit) {
    throw_detail(422, "Invalid limit: must be less than or equal to " + std::to_string(default_limit) + ".");
  }
  return limit;
}

int64_t offset_from_body(const rapidjson::Value &body) {
  return std::max<int64_t>(0, filter_json::integer(&body, "offset").value_or(0));
}

int64_t page_from_body(const rapidjson::Value &body) {
  return std::max<int64_t>(1, filter_json::integer(&body, "page").value_or(1));
}

int64_t bulk_limit_from_body(const rapidjson::Value &body) {
  constexpr int64_t kBulkOperationLimit = 50;
  return std::clamp<int64_t>(filter_json::integer(&body, "limit").value_or(kBulkOperationLimit), 1,
                             kBulkOperationLimit);
}

int64_t page_count(int64_t count, int64_t limit) {
  return limit > 0 ? (count + limit - 1) / limit : 0;
}

std::string paginated_json(rapidjson::Document &document, rapidjson::Value &results, int64_t count, int64_t limit,
                           int64_t page) {
  auto &allocator = document.GetAllocator();
  document.SetObject();
  document.AddMember("results", results, allocator);
  document.AddMember("count", count, allocator);
  document.AddMember("limit", limit, allocator);
  document.AddMember("pages", page_count(count, limit), allocator);
  document.AddMember("page", page, allocator);
  return to_json(document);
}

}  // namespace prefectd
