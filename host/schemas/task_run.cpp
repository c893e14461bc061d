#include "task_run.h"

#include "api/json_writer.h"
#include "json_fields.h"
#include "run_timing.h"

namespace prefectd {

void write_task_run(const TaskRun &run, Timestamp now, rapidjson::Value &out,
                    rapidjson::Document::AllocatorType &allocator) {
  JsonFields fields(out, allocator);
  fields.uuid("id", run.id)
      .timestamp("created", run.created)
      .timestamp("updated", run.updated)
      .string("name", run.name)
      .uuid("flow_run_id", run.flow_run_id)
      .string("task_key", run.task_key)
      .string("dynamic_key", run.dynamic_key)
      .string("cache_key", run.cache_key)
      .timestamp("cache_expiration", run.cache_expiration)
      .string("task_version", run.task_version)
      .stored_json("empirical_policy", run.empirical_policy_json)
      .stored_json("tags", run.tags_json)
      .stored_json("labels", run.labels_json, "{}")
      .uuid("state_id", run.state_id)
      .stored_json("task_inputs", run.task_inputs_json);
  fields.string("state_type", state_type_text(run.state_type))
      .string("state_name", run.state_name)
      .integer("run_count", run.run_count)
      .integer("flow_run_run_count", run.flow_run_run_count);
  write_run_timing(fields, run, now);
  rapidjson::Value state;
  if (run.state) write_state(*run.state, state, allocator);
  fields.value("state", state);
}

std::string to_json(const TaskRun &run, Timestamp now) {
  rapidjson::Document document;
  write_task_run(run, now, document, document.GetAllocator());
  return to_json(document);
}

}  // namespace prefectd
