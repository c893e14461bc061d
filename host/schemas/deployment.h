// A deployment and its schedules (objects.md §6), as rows and as
// DeploymentResponse and DeploymentSchedule.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace prefectd {

struct DeploymentSchedule {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  Uuid deployment_id;
  std::string schedule_json;
  bool active = true;
  std::optional<int64_t> max_scheduled_runs;
  std::string parameters_json = "{}";
  std::optional<std::string> slug;
};

// DeploymentScheduleCreate.
struct DeploymentScheduleCreate {
  std::string schedule_json;  // normalized_schedule_json
  bool active = true;
  std::optional<int64_t> max_scheduled_runs;
  std::string parameters_json = "{}";
  std::optional<std::string> slug;
};

struct Deployment {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  std::optional<std::string> version;
  std::optional<std::string> description;
  Uuid flow_id;
  bool paused = false;
  std::vector<DeploymentSchedule> schedules;  // newest updated first
  std::optional<std::string> concurrency_options_json;
  std::string job_variables_json = "{}";  // the infra_overrides column
  std::string parameters_json = "{}";
  std::string tags_json = "[]";
  std::optional<std::string> labels_json;
  std::optional<std::string> work_queue_name;
  std::optional<Uuid> work_queue_id;
  std::optional<Timestamp> last_polled;
  std::optional<std::string> parameter_openapi_schema_json;
  std::optional<std::string> path;
  std::optional<std::string> pull_steps_json;
  std::optional<std::string> entrypoint;
  std::optional<Uuid> storage_document_id;
  std::optional<Uuid> infrastructure_document_id;
  std::optional<std::string> created_by_json;
  std::optional<std::string> updated_by_json;
  std::optional<std::string> work_pool_name;  // through the work queue
  std::string status = "NOT_READY";
  bool enforce_parameter_schema = true;
};

// A Schedule (interval, cron or rrule; the contract has told them apart)
// with the defaults Prefect fills in before storing it: an interval's
// anchor_date (now) and timezone (UTC), a cron's day_or (true), an rrule's
// timezone (UTC). The interval is stored as seconds in a float.
std::string normalized_schedule_json(const rapidjson::Value &schedule);

// A DeploymentScheduleCreate body entry (contract-checked, with a schedule).
DeploymentScheduleCreate schedule_create_from_json(const rapidjson::Value &entry);

// `base` (a JSON object's text) with the members of `overrides` (may be
// null) laid over it: a deployment's parameters under a run's or a
// schedule's.
std::string overlaid_parameters(const std::string &base, const rapidjson::Value *overrides);

void write_deployment_schedule(const DeploymentSchedule &schedule, rapidjson::Value &out,
                               rapidjson::Document::AllocatorType &allocator);
void write_deployment(const Deployment &deployment, rapidjson::Value &out,
                      rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
