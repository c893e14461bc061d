#include "log.h"

#include "json_fields.h"

namespace prefectd {

void write_log(const Log &log, rapidjson::Value &out, rapidjson::Document::AllocatorType &allocator) {
  JsonFields(out, allocator)
      .uuid("id", log.id)
      .timestamp("created", log.created)
      .timestamp("updated", log.updated)
      .string("name", log.name)
      .integer("level", log.level)
      .string("message", log.message)
      .timestamp("timestamp", log.timestamp)
      .uuid("flow_run_id", log.flow_run_id)
      .uuid("task_run_id", log.task_run_id);
}

}  // namespace prefectd
