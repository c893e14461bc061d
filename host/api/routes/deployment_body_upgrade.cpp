#include "deployment_body_upgrade.h"

#include "api/json_writer.h"

#include <rapidjson/document.h>

#include <optional>

namespace prefectd {

std::string upgrade_deployment_body(const std::string &body) {
  rapidjson::Document document;
  document.Parse(body.c_str(), body.size());
  if (document.HasParseError() || !document.IsObject()) return body;  // validation answers it
  auto &allocator = document.GetAllocator();
  bool changed = false;

  if (auto overrides = document.FindMember("infra_overrides"); overrides != document.MemberEnd()) {
    if (!document.HasMember("job_variables") && !overrides->value.IsNull()) {
      document.AddMember("job_variables", rapidjson::Value(overrides->value, allocator), allocator);
    }
    document.RemoveMember("infra_overrides");
    changed = true;
  }
  std::optional<bool> schedule_active;
  if (auto active = document.FindMember("is_schedule_active"); active != document.MemberEnd()) {
    if (active->value.IsBool()) schedule_active = active->value.GetBool();
    document.RemoveMember("is_schedule_active");
    changed = true;
  }
  if (auto schedule = document.FindMember("schedule"); schedule != document.MemberEnd()) {
    const bool has_schedules =
        document.HasMember("schedules") && document["schedules"].IsArray() && !document["schedules"].Empty();
    if (!schedule->value.IsNull() && !has_schedules) {
      rapidjson::Value entry(rapidjson::kObjectType);
      entry.AddMember("schedule", rapidjson::Value(schedule->value, allocator), allocator);
      entry.AddMember("active", schedule_active.value_or(true), allocator);
      rapidjson::Value schedules(rapidjson::kArrayType);
      schedules.PushBack(entry, allocator);
      document.RemoveMember("schedules");
      document.AddMember("schedules", schedules, allocator);
    }
    document.RemoveMember("schedule");
    changed = true;
  }
  // 2.x paused a deployment by turning its schedule off.
  if (schedule_active && !document.HasMember("paused")) document.AddMember("paused", !*schedule_active, allocator);
  for (const char *dropped : {"manifest_path", "worker_pool_queue_id", "worker_pool_name", "worker_pool_queue_name",
                              "work_pool_queue_name"}) {
    changed = document.RemoveMember(dropped) || changed;
  }
  return changed ? to_json(document) : body;
}

}  // namespace prefectd
