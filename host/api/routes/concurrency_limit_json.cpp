#include "concurrency_limit_json.h"

#include "schemas/json_fields.h"

namespace prefectd {
namespace {

constexpr std::string_view kTagPrefix = "tag:";

rapidjson::Value id_list(const std::vector<std::string> &ids, JsonAllocator &allocator) {
  rapidjson::Value list(rapidjson::kArrayType);
  for (const std::string &id : ids) list.PushBack(rapidjson::Value(id.c_str(), allocator), allocator);
  return list;
}

}  // namespace

rapidjson::Value concurrency_limit_v2_json(const ConcurrencyLimitV2Row &limit, JsonAllocator &allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  JsonFields(object, allocator)
      .uuid("id", limit.id)
      .timestamp("created", limit.created)
      .timestamp("updated", limit.updated)
      .boolean("active", limit.active)
      .string("name", limit.name)
      .integer("limit", limit.limit)
      .integer("active_slots", limit.active_slots)
      .integer("denied_slots", limit.denied_slots)
      .number("slot_decay_per_second", limit.slot_decay_per_second)
      .number("avg_slot_occupancy_seconds", limit.avg_slot_occupancy_seconds);
  return object;
}

rapidjson::Value global_concurrency_limit_json(const ConcurrencyLimitV2Row &limit, JsonAllocator &allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  JsonFields(object, allocator)
      .uuid("id", limit.id)
      .timestamp("created", limit.created)
      .timestamp("updated", limit.updated)
      .boolean("active", limit.active)
      .string("name", limit.name)
      .integer("limit", limit.limit)
      .integer("active_slots", limit.active_slots)
      .number("slot_decay_per_second", limit.slot_decay_per_second);
  return object;
}

rapidjson::Value minimal_concurrency_limit_json(const Uuid &id, const std::string &name, int64_t limit,
                                                JsonAllocator &allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  JsonFields(object, allocator).uuid("id", id).string("name", name).integer("limit", limit);
  return object;
}

rapidjson::Value concurrency_limit_v1_json(const ConcurrencyLimitV2Row &limit, const ConcurrencyLeaseStorage &leases,
                                           JsonAllocator &allocator) {
  std::vector<std::string> holders;
  for (const auto &[lease_id, holder] : leases.holders_for_limit(limit.id)) {
    if (holder.type == "task_run") holders.push_back(holder.id.to_string());
  }
  const std::string tag = limit.name.starts_with(kTagPrefix) ? limit.name.substr(kTagPrefix.size()) : limit.name;
  rapidjson::Value object(rapidjson::kObjectType);
  rapidjson::Value slots = id_list(holders, allocator);
  JsonFields(object, allocator)
      .uuid("id", limit.id)
      .timestamp("created", limit.created)
      .timestamp("updated", limit.updated)
      .string("tag", tag)
      .integer("concurrency_limit", limit.limit)
      .value("active_slots", slots);
  return object;
}

rapidjson::Value concurrency_limit_v1_json(const ConcurrencyLimitV1Row &limit, JsonAllocator &allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  rapidjson::Value slots = id_list(limit.active_slots, allocator);
  JsonFields(object, allocator)
      .uuid("id", limit.id)
      .timestamp("created", limit.created)
      .timestamp("updated", limit.updated)
      .string("tag", limit.tag)
      .integer("concurrency_limit", limit.concurrency_limit)
      .value("active_slots", slots);
  return object;
}

}  // namespace prefectd
