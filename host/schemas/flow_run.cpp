#include "flow_run.h"

#include "api/json_writer.h"
#include "json_fields.h"
#include "run_timing.h"

namespace prefectd {

void write_flow_run(const FlowRun &run, Timestamp now, rapidjson::Value &out,
                    rapidjson::Document::AllocatorType &allocator) {
  JsonFields fields(out, allocator);
  fields.uuid("id", run.id)
      .timestamp("created", run.created)
      .timestamp("updated", run.updated)
      .string("name", run.name)
      .uuid("flow_id", run.flow_id)
      .uuid("state_id", run.state_id)
      .uuid("deployment_id", run.deployment_id)
      .string("deployment_version", run.deployment_version)
      .uuid("work_queue_id", run.work_queue_id)
      .string("work_queue_name", run.work_queue_name)
      .string("flow_version", run.flow_version)
      .stored_json("parameters", run.parameters_json)
      .string("idempotency_key", run.idempotency_key)
      .stored_json("context", run.context_json)
      .stored_json("empirical_policy", run.empirical_policy_json)
      .stored_json("tags", run.tags_json)
      .stored_json("labels", run.labels_json, "{}")
      .uuid("parent_task_run_id", run.parent_task_run_id);
  fields.string("state_type", state_type_text(run.state_type))
      .string("state_name", run.state_name)
      .integer("run_count", run.run_count);
  write_run_timing(fields, run, now);
  fields.boolean("auto_scheduled", run.auto_scheduled)
      .uuid("infrastructure_document_id", run.infrastructure_document_id)
      .string("infrastructure_pid", run.infrastructure_pid)
      .stored_json("created_by", run.created_by_json)
      .uuid("work_pool_id", run.work_pool_id)
      .string("work_pool_name", run.work_pool_name);
  rapidjson::Value state;
  if (run.state) write_state(*run.state, state, allocator);
  fields.value("state", state).stored_json("job_variables", run.job_variables_json);
}

std::string to_json(const FlowRun &run, Timestamp now) {
  rapidjson::Document document;
  write_flow_run(run, now, document, document.GetAllocator());
  return to_json(document);
}

void write_worker_flow_run(const FlowRun &run, Timestamp now, rapidjson::Value &out,
                           rapidjson::Document::AllocatorType &allocator) {
  write_flow_run(run, now, out, allocator);
  out.RemoveMember("work_pool_id");
  out.RemoveMember("work_pool_name");
  out["state"].SetNull();
}

}  // namespace prefectd
