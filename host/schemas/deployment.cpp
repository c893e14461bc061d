#include "deployment.h"

#include "api/json_access.h"
#include "api/json_writer.h"
#include "json_fields.h"

namespace prefectd {
namespace {

void copy_member(const rapidjson::Value &from, const char *key, rapidjson::Document &to) {
  if (auto found = from.FindMember(key); found != from.MemberEnd()) {
    rapidjson::Value value;
    value.CopyFrom(found->value, to.GetAllocator());
    to.AddMember(rapidjson::StringRef(key), value, to.GetAllocator());
  }
}

}  // namespace

std::string normalized_schedule_json(const rapidjson::Value &schedule) {
  rapidjson::Document stored(rapidjson::kObjectType);
  auto &allocator = stored.GetAllocator();
  if (schedule.HasMember("interval")) {
    stored.AddMember("interval", schedule["interval"].GetDouble(), allocator);
    Timestamp anchor = Timestamp::now();
    if (auto found = schedule.FindMember("anchor_date"); found != schedule.MemberEnd() && found->value.IsString()) {
      anchor = Timestamp::parse(found->value.GetString()).value_or(anchor);
    }
    stored.AddMember("anchor_date", rapidjson::Value(anchor.to_iso8601().c_str(), allocator), allocator);
    auto timezone = schedule.FindMember("timezone");
    if (timezone != schedule.MemberEnd() && timezone->value.IsString()) {
      stored.AddMember("timezone", rapidjson::Value(timezone->value, allocator), allocator);
    } else {
      stored.AddMember("timezone", "UTC", allocator);
    }
  } else if (schedule.HasMember("cron")) {
    copy_member(schedule, "cron", stored);
    if (schedule.HasMember("timezone")) {
      copy_member(schedule, "timezone", stored);
    } else {
      stored.AddMember("timezone", rapidjson::Value(), allocator);
    }
    const auto day_or = schedule.FindMember("day_or");
    stored.AddMember(
        "day_or", day_or != schedule.MemberEnd() && day_or->value.IsBool() ? day_or->value.GetBool() : true, allocator);
  } else {
    copy_member(schedule, "rrule", stored);
    auto timezone = schedule.FindMember("timezone");
    if (timezone != schedule.MemberEnd() && timezone->value.IsString()) {
      stored.AddMember("timezone", rapidjson::Value(timezone->value, allocator), allocator);
    } else {
      stored.AddMember("timezone", "UTC", allocator);
    }
  }
  return to_json(stored);
}

DeploymentScheduleCreate schedule_create_from_json(const rapidjson::Value &entry) {
  DeploymentScheduleCreate create;
  create.schedule_json = normalized_schedule_json(entry["schedule"]);
  create.active = optional_bool(entry, "active").value_or(true);
  create.max_scheduled_runs = optional_int(entry, "max_scheduled_runs");
  create.parameters_json = optional_json(entry, "parameters").value_or("{}");
  create.slug = optional_string(entry, "slug");
  return create;
}

std::string overlaid_parameters(const std::string &base, const rapidjson::Value *overrides) {
  rapidjson::Document parameters;
  parameters.Parse(base.c_str());
  if (!parameters.IsObject()) parameters.SetObject();
  if (overrides != nullptr && overrides->IsObject()) {
    auto &allocator = parameters.GetAllocator();
    for (const auto &entry : overrides->GetObject()) {
      rapidjson::Value value(entry.value, allocator);
      if (auto found = parameters.FindMember(entry.name); found != parameters.MemberEnd()) {
        found->value = value;
      } else {
        parameters.AddMember(rapidjson::Value(entry.name, allocator), value, allocator);
      }
    }
  }
  return to_json(parameters);
}

void write_deployment_schedule(const DeploymentSchedule &schedule, rapidjson::Value &out,
                               rapidjson::Document::AllocatorType &allocator) {
  JsonFields fields(out, allocator);
  fields.uuid("id", schedule.id)
      .timestamp("created", schedule.created)
      .timestamp("updated", schedule.updated)
      .uuid("deployment_id", schedule.deployment_id)
      .stored_json("schedule", schedule.schedule_json)
      .boolean("active", schedule.active);
  if (schedule.max_scheduled_runs) {
    fields.integer("max_scheduled_runs", *schedule.max_scheduled_runs);
  } else {
    fields.null("max_scheduled_runs");
  }
  fields.stored_json("parameters", schedule.parameters_json, "{}").string("slug", schedule.slug);
}

void write_deployment(const Deployment &deployment, rapidjson::Value &out,
                      rapidjson::Document::AllocatorType &allocator) {
  rapidjson::Value schedules(rapidjson::kArrayType);
  for (const DeploymentSchedule &schedule : deployment.schedules) {
    rapidjson::Value json;
    write_deployment_schedule(schedule, json, allocator);
    schedules.PushBack(json, allocator);
  }
  JsonFields fields(out, allocator);
  fields.uuid("id", deployment.id)
      .timestamp("created", deployment.created)
      .timestamp("updated", deployment.updated)
      .string("name", deployment.name)
      .string("version", deployment.version)
      .string("description", deployment.description)
      .uuid("flow_id", deployment.flow_id)
      .boolean("paused", deployment.paused)
      .value("schedules", schedules)
      // Deprecated: the limit lives in global_concurrency_limit.
      .null("concurrency_limit")
      .null("global_concurrency_limit")
      .stored_json("concurrency_options", deployment.concurrency_options_json)
      .stored_json("job_variables", deployment.job_variables_json, "{}")
      .stored_json("parameters", deployment.parameters_json, "{}")
      .stored_json("tags", deployment.tags_json, "[]")
      .stored_json("labels", deployment.labels_json, "{}")
      .string("work_queue_name", deployment.work_queue_name)
      .uuid("work_queue_id", deployment.work_queue_id)
      .timestamp("last_polled", deployment.last_polled)
      .stored_json("parameter_openapi_schema", deployment.parameter_openapi_schema_json)
      .string("path", deployment.path)
      .stored_json("pull_steps", deployment.pull_steps_json)
      .string("entrypoint", deployment.entrypoint)
      .uuid("storage_document_id", deployment.storage_document_id)
      .uuid("infrastructure_document_id", deployment.infrastructure_document_id)
      .stored_json("created_by", deployment.created_by_json)
      .stored_json("updated_by", deployment.updated_by_json)
      .string("work_pool_name", deployment.work_pool_name)
      .string("status", deployment.status)
      .boolean("enforce_parameter_schema", deployment.enforce_parameter_schema);
}

}  // namespace prefectd
