#include "scheduler.h"

#include "api/json_writer.h"
#include "core/run_names.h"
#include "database/database_interface.h"
#include "models/deployments.h"
#include "models/run_orchestration.h"
#include "models/work_queues.h"
#include "orchestration/run_policy.h"
#include "schemas/labels.h"
#include "settings/settings.h"

#include <spdlog/spdlog.h>

#include <set>

namespace prefectd {
namespace {

// Whether `schedule` already has enough future runs: at least min_runs,
// the last at least min_seconds ahead.
bool is_ahead(DatabaseInterface &database, Session &session, const Deployment &deployment,
              const DeploymentSchedule &schedule, Timestamp now, const ScheduleHorizon &horizon) {
  const QueryComponents &q = database.queries();
  Statement ahead = session.prepare(
      "SELECT count(*), max(next_scheduled_start_time) FROM flow_run WHERE deployment_id = " + q.placeholder(1) +
      " AND state_type = 'SCHEDULED' AND auto_scheduled = " + q.placeholder(2) + " AND next_scheduled_start_time >= " +
      q.placeholder(3) + " AND " + q.json_extract_text("created_by", "id") + " = " + q.placeholder(4));
  ahead.bind(1, deployment.id).bind(2, true).bind(3, now).bind(4, schedule.id.to_string());
  ahead.step();
  const int64_t count = ahead.int64(0).value_or(0);
  const std::optional<Timestamp> last = ahead.timestamp(1);
  return count >= horizon.min_runs && last && *last >= now.plus_seconds(horizon.min_seconds);
}

std::string schedule_kind(const rapidjson::Value &schedule) {
  if (schedule.HasMember("interval")) return "IntervalSchedule";
  if (schedule.HasMember("cron")) return "CronSchedule";
  return "RRuleSchedule";
}

std::string scheduled_tags(const Deployment &deployment) {
  rapidjson::Document tags;
  tags.Parse(deployment.tags_json.c_str());
  rapidjson::Document result(rapidjson::kArrayType);
  result.PushBack("auto-scheduled", result.GetAllocator());
  if (tags.IsArray()) {
    for (const auto &tag : tags.GetArray())
      result.PushBack(rapidjson::Value(tag, result.GetAllocator()), result.GetAllocator());
  }
  return to_json(result);
}

FlowRun scheduled_run(const Deployment &deployment, const DeploymentSchedule &schedule,
                      const rapidjson::Value &schedule_value, Timestamp occurrence, Timestamp now) {
  FlowRun run;
  run.id = Uuid::v7();
  run.created = now;
  run.updated = now;
  run.name = random_run_name();
  run.flow_id = deployment.flow_id;
  run.deployment_id = deployment.id;
  run.deployment_version = deployment.version;
  run.work_queue_id = deployment.work_queue_id;
  run.work_queue_name = deployment.work_queue_name;
  rapidjson::Document schedule_parameters;
  schedule_parameters.Parse(schedule.parameters_json.c_str());
  run.parameters_json = overlaid_parameters(deployment.parameters_json, &schedule_parameters);
  run.infrastructure_document_id = deployment.infrastructure_document_id;
  run.tags_json = scheduled_tags(deployment);
  run.labels_json = merge_labels({{deployment.labels_json},
                                  system_label("prefect.flow.id", deployment.flow_id.to_string()),
                                  system_label("prefect.deployment.id", deployment.id.to_string())});
  run.auto_scheduled = true;
  run.idempotency_key =
      "scheduled " + deployment.id.to_string() + " " + schedule.id.to_string() + " " + occurrence.to_iso8601();
  rapidjson::Document created_by(rapidjson::kObjectType);
  auto &allocator = created_by.GetAllocator();
  created_by.AddMember("id", rapidjson::Value(schedule.id.to_string().c_str(), allocator), allocator);
  created_by.AddMember("type", "SCHEDULE", allocator);
  const std::string display = schedule.slug.value_or(schedule_kind(schedule_value));
  created_by.AddMember("display_value", rapidjson::Value(display.c_str(), allocator), allocator);
  run.created_by_json = to_json(created_by);
  run.empirical_policy_json = flow_run_policy_to_json(flow_run_policy_from_json("{}"));
  run.context_json = "{}";
  run.job_variables_json = "{}";
  return run;
}

State scheduled_state(Timestamp occurrence, Timestamp now) {
  rapidjson::Document create;
  create.Parse(R"({"type": "SCHEDULED", "message": "Flow run scheduled"})");
  rapidjson::Value details(rapidjson::kObjectType);
  const std::string at = occurrence.to_iso8601();
  details.AddMember("scheduled_time", rapidjson::Value(at.c_str(), create.GetAllocator()), create.GetAllocator());
  create.AddMember("state_details", details, create.GetAllocator());
  return state_from_create(create, now);
}

}  // namespace

SchedulerPolicy SchedulerPolicy::from(const Settings &settings) {
  SchedulerPolicy policy;
  policy.horizon.min_runs = settings.integer("PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS");
  policy.horizon.max_runs = settings.integer("PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS");
  policy.horizon.min_seconds = settings.seconds("PREFECT_SERVER_SERVICES_SCHEDULER_MIN_SCHEDULED_TIME");
  policy.horizon.max_seconds = settings.seconds("PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME");
  policy.deployment_batch_size = settings.integer("PREFECT_SERVER_SERVICES_SCHEDULER_DEPLOYMENT_BATCH_SIZE");
  const auto millis = [&](const char *name) {
    return std::chrono::milliseconds(static_cast<int64_t>(settings.seconds(name) * 1000));
  };
  policy.loop_interval = millis("PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS");
  policy.recent_loop_interval = millis("PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS");
  return policy;
}

Scheduler::Scheduler(DatabaseInterface &database, const OrchestrationSettings &orchestration,
                     const SlotWaitCaps &slot_waits, ConcurrencyLeaseStorage &leases, SchedulerPolicy policy)
    : database_(database),
      orchestration_(orchestration),
      slot_waits_(slot_waits),
      leases_(leases),
      policy_(policy),
      main_loop_("scheduler", policy.loop_interval, [this] { schedule_runs(); }),
      recent_loop_("scheduler (recent deployments)", policy.recent_loop_interval, [this] {
        const Timestamp now = Timestamp::now();
        const double window = static_cast<double>(policy_.recent_loop_interval.count()) / 1000.0 + 1.0;
        schedule_runs(now, now.plus_seconds(-window));
      }) {}

void Scheduler::start() {
  main_loop_.start();
  recent_loop_.start();
}

void Scheduler::stop() {
  main_loop_.stop();
  recent_loop_.stop();
}

int64_t Scheduler::schedule_runs(Timestamp now, std::optional<Timestamp> updated_since) {
  const QueryComponents &q = database_.queries();
  int64_t inserted = 0;
  std::optional<Uuid> after;  // deployments are paged by id
  while (true) {
    std::vector<Uuid> batch;
    {
      Session session = database_.session();
      SqlBuilder sql(q);
      std::string condition = "deployment.paused = " + sql.param(false) +
                              " AND EXISTS (SELECT 1 FROM deployment_schedule s WHERE s.deployment_id = deployment.id "
                              "AND s.active = " +
                              sql.param(true) + ")";
      if (updated_since) condition += " AND deployment.updated >= " + sql.param(*updated_since);
      if (after) condition += " AND deployment.id > " + sql.param(*after);
      Statement page = session.prepare("SELECT deployment.id FROM deployment WHERE " + condition +
                                       " ORDER BY deployment.id LIMIT " + sql.param(policy_.deployment_batch_size));
      sql.bind(page);
      while (page.step()) batch.push_back(*page.uuid(0));
    }
    for (const Uuid &id : batch) {
      try {
        Session session = database_.session();
        Transaction transaction(session, PD_TRANSACTION_WRITE);
        std::optional<Deployment> deployment = read_deployment(database_, session, id);
        if (!deployment || deployment->paused) continue;
        OrchestrationScope scope{database_, session, orchestration_, slot_waits_, leases_};
        for (const DeploymentSchedule &schedule : deployment->schedules) {
          if (!schedule.active || is_ahead(database_, session, *deployment, schedule, now, policy_.horizon)) continue;
          rapidjson::Document schedule_value;
          schedule_value.Parse(schedule.schedule_json.c_str());
          std::string why;
          auto dates = schedule_dates(schedule_value, now, policy_.horizon, why);
          if (!dates) {
            spdlog::warn("scheduler: schedule {} of deployment {} is skipped: {}", schedule.id.to_string(),
                         deployment->name, why);
            continue;
          }
          for (const Timestamp occurrence : *dates) {
            if (create_flow_run(scope, scheduled_run(*deployment, schedule, schedule_value, occurrence, now),
                                scheduled_state(occurrence, now), std::nullopt)) {
              ++inserted;
            }
          }
        }
        transaction.commit();
      } catch (const std::exception &error) {
        spdlog::warn("scheduler: deployment {} is skipped: {}", id.to_string(), error.what());
      }
    }
    if (static_cast<int64_t>(batch.size()) < policy_.deployment_batch_size) break;
    after = batch.back();
  }
  if (inserted > 0) spdlog::info("scheduler: inserted {} run(s)", inserted);
  return inserted;
}

}  // namespace prefectd
