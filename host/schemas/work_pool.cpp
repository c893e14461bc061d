#include "work_pool.h"

#include "api/json_writer.h"
#include "json_fields.h"

namespace prefectd {
namespace {

void optional_integer(JsonFields &fields, const char *key, const std::optional<int64_t> &value) {
  if (value) {
    fields.integer(key, *value);
  } else {
    fields.null(key);
  }
}

}  // namespace

std::string storage_configuration_json(const rapidjson::Value *sent) {
  rapidjson::Document storage(rapidjson::kObjectType);
  auto &allocator = storage.GetAllocator();
  for (const char *key : {"bundle_upload_step", "bundle_execution_step", "default_result_storage_block_id"}) {
    rapidjson::Value value;
    if (sent != nullptr && sent->IsObject() && sent->HasMember(key)) value.CopyFrom((*sent)[key], allocator);
    storage.AddMember(rapidjson::StringRef(key), value, allocator);
  }
  return to_json(storage);
}

void write_work_pool(const WorkPool &pool, std::optional<int64_t> active_slots, rapidjson::Value &out,
                     rapidjson::Document::AllocatorType &allocator) {
  JsonFields fields(out, allocator);
  fields.uuid("id", pool.id)
      .timestamp("created", pool.created)
      .timestamp("updated", pool.updated)
      .string("name", pool.name)
      .string("description", pool.description)
      .string("type", pool.type)
      .stored_json("base_job_template", pool.base_job_template_json, "{}")
      .boolean("is_paused", pool.is_paused);
  optional_integer(fields, "concurrency_limit", pool.concurrency_limit);
  if (pool.type == kAgentPoolType) {
    fields.null("status");
  } else {
    fields.string("status", pool.status);
  }
  fields.uuid("default_queue_id", pool.default_queue_id);
  fields.stored_json("storage_configuration", pool.storage_configuration_json, "{}");
  optional_integer(fields, "active_slots", pool.concurrency_limit ? active_slots : std::nullopt);
}

void write_work_queue(const WorkQueue &queue, std::optional<int64_t> active_slots, rapidjson::Value &out,
                      rapidjson::Document::AllocatorType &allocator) {
  JsonFields fields(out, allocator);
  fields.uuid("id", queue.id)
      .timestamp("created", queue.created)
      .timestamp("updated", queue.updated)
      .string("name", queue.name)
      .string("description", queue.description)
      .boolean("is_paused", queue.is_paused);
  optional_integer(fields, "concurrency_limit", queue.concurrency_limit);
  fields.integer("priority", queue.priority)
      .uuid("work_pool_id", queue.work_pool_id)
      .stored_json("filter", queue.filter_json)
      .timestamp("last_polled", queue.last_polled)
      .string("work_pool_name", queue.work_pool_name)
      .string("status", queue.status);
  optional_integer(fields, "active_slots", queue.concurrency_limit ? active_slots : std::nullopt);
}

void write_worker(const Worker &worker, rapidjson::Value &out, rapidjson::Document::AllocatorType &allocator) {
  JsonFields fields(out, allocator);
  fields.uuid("id", worker.id)
      .timestamp("created", worker.created)
      .timestamp("updated", worker.updated)
      .string("name", worker.name)
      .uuid("work_pool_id", worker.work_pool_id)
      .timestamp("last_heartbeat_time", worker.last_heartbeat_time);
  optional_integer(fields, "heartbeat_interval_seconds", worker.heartbeat_interval_seconds);
  fields.string("status", worker.status);
}

}  // namespace prefectd
