// The response objects of the v1 and v2 concurrency-limit routes.
#pragma once

#include "concurrency/lease_storage.h"
#include "models/concurrency_limits_v1.h"
#include "models/concurrency_limits_v2.h"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace prefectd {

using JsonAllocator = rapidjson::Document::AllocatorType;

// ConcurrencyLimitV2 (every column).
rapidjson::Value concurrency_limit_v2_json(const ConcurrencyLimitV2Row &limit, JsonAllocator &allocator);
// GlobalConcurrencyLimitResponse (no denied slots or occupancy).
rapidjson::Value global_concurrency_limit_json(const ConcurrencyLimitV2Row &limit, JsonAllocator &allocator);
// MinimalConcurrencyLimitResponse.
rapidjson::Value minimal_concurrency_limit_json(const Uuid &id, const std::string &name, int64_t limit,
                                                JsonAllocator &allocator);
// The v1 ConcurrencyLimit view of a "tag:" v2 limit: its active slots are
// the task runs holding leases on it.
rapidjson::Value concurrency_limit_v1_json(const ConcurrencyLimitV2Row &limit, const ConcurrencyLeaseStorage &leases,
                                           JsonAllocator &allocator);
// A legacy v1 row as it is stored.
rapidjson::Value concurrency_limit_v1_json(const ConcurrencyLimitV1Row &limit, JsonAllocator &allocator);

}  // namespace prefectd
