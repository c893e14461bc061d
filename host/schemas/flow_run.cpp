#include "flow_run.h"

#include "api/json_writer.h"
#include "json_fields.h"

namespace prefectd {

int64_t estimated_run_time_micros(std::optional<StateType> state_type, std::optional<Timestamp> state_timestamp,
                                  int64_t total_run_time_micros, Timestamp now) {
  if (state_type == StateType::Running && state_timestamp) {
    return total_run_time_micros + std::max<int64_t>(0, now.micros() - state_timestamp->micros());
  }
  return total_run_time_micros;
}

int64_t estimated_start_time_delta_micros(std::optional<StateType> state_type,
                                          std::optional<Timestamp> expected_start_time,
                                          std::optional<Timestamp> start_time, Timestamp now) {
  if (!expected_start_time) return 0;
  if (start_time) return std::max<int64_t>(0, start_time->micros() - expected_start_time->micros());
  const bool final = state_type && is_final(*state_type);
  if (!final && *expected_start_time < now) return now.micros() - expected_start_time->micros();
  return 0;
}

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
  if (run.state_type) {
    fields.string("state_type", to_string(*run.state_type));
  } else {
    fields.null("state_type");
  }
  fields.string("state_name", run.state_name)
      .integer("run_count", run.run_count)
      .timestamp("expected_start_time", run.expected_start_time)
      .timestamp("next_scheduled_start_time", run.next_scheduled_start_time)
      .timestamp("start_time", run.start_time)
      .timestamp("end_time", run.end_time)
      .seconds("total_run_time", run.total_run_time_micros)
      .seconds("estimated_run_time",
               estimated_run_time_micros(run.state_type, run.state_timestamp, run.total_run_time_micros, now))
      .seconds("estimated_start_time_delta", estimated_start_time_delta_micros(run.state_type, run.expected_start_time,
                                                                               run.start_time, now))
      .boolean("auto_scheduled", run.auto_scheduled)
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

}  // namespace prefectd
