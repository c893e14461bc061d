#include "run_policy.h"

#include "core/python_json.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>

namespace prefectd {
namespace {

const rapidjson::Value *member(const rapidjson::Value &object, const char *key) {
  auto found = object.FindMember(key);
  if (found == object.MemberEnd() || found->value.IsNull()) return nullptr;
  return &found->value;
}

std::optional<double> number_member(const rapidjson::Value &object, const char *key) {
  const auto *value = member(object, key);
  if (value == nullptr || !value->IsNumber()) return std::nullopt;
  return value->GetDouble();
}

std::optional<int64_t> integer_member(const rapidjson::Value &object, const char *key) {
  auto number = number_member(object, key);
  if (!number) return std::nullopt;
  return static_cast<int64_t>(std::llround(*number));
}

bool parse_object(std::string_view json, rapidjson::Document &document) {
  document.Parse(json.data(), json.size());
  return !document.HasParseError() && document.IsObject();
}

}  // namespace

FlowRunPolicy flow_run_policy_from_json(std::string_view json) {
  FlowRunPolicy policy;
  rapidjson::Document document;
  if (!parse_object(json, document)) return policy;
  policy.max_retries = integer_member(document, "max_retries").value_or(0);
  policy.retry_delay_seconds = number_member(document, "retry_delay_seconds").value_or(0);
  policy.retries = integer_member(document, "retries");
  policy.retry_delay = integer_member(document, "retry_delay");
  // The deprecated fields fill the new ones when those are unset or zero.
  if (policy.retries.value_or(0) == 0 && policy.max_retries != 0) policy.retries = policy.max_retries;
  if (policy.retry_delay.value_or(0) == 0 && policy.retry_delay_seconds != 0) {
    policy.retry_delay = static_cast<int64_t>(std::llround(policy.retry_delay_seconds));
  }
  if (const auto *keys = member(document, "pause_keys"); keys != nullptr && keys->IsArray()) {
    for (const auto &key : keys->GetArray()) {
      if (!key.IsString()) continue;
      std::string text(key.GetString(), key.GetStringLength());
      if (std::find(policy.pause_keys.begin(), policy.pause_keys.end(), text) == policy.pause_keys.end()) {
        policy.pause_keys.push_back(std::move(text));
      }
    }
  }
  if (const auto *resuming = member(document, "resuming"); resuming != nullptr && resuming->IsBool()) {
    policy.resuming = resuming->GetBool();
  }
  if (const auto *retry_type = member(document, "retry_type"); retry_type != nullptr && retry_type->IsString()) {
    policy.retry_type = retry_type->GetString();
  }
  return policy;
}

std::string flow_run_policy_to_json(const FlowRunPolicy &policy) {
  rapidjson::Document document;
  document.SetObject();
  auto &allocator = document.GetAllocator();
  auto optional_integer = [](const std::optional<int64_t> &value) {
    return value ? rapidjson::Value(*value) : rapidjson::Value();
  };
  document.AddMember("max_retries", rapidjson::Value(policy.max_retries), allocator);
  document.AddMember("retry_delay_seconds", rapidjson::Value(policy.retry_delay_seconds), allocator);
  document.AddMember("retries", optional_integer(policy.retries), allocator);
  document.AddMember("retry_delay", optional_integer(policy.retry_delay), allocator);
  rapidjson::Value keys(rapidjson::kArrayType);
  for (const auto &key : policy.pause_keys) keys.PushBack(rapidjson::Value(key.c_str(), allocator), allocator);
  document.AddMember("pause_keys", keys, allocator);
  document.AddMember("resuming", rapidjson::Value(policy.resuming), allocator);
  rapidjson::Value retry_type;
  if (policy.retry_type) retry_type.SetString(policy.retry_type->c_str(), allocator);
  document.AddMember("retry_type", retry_type, allocator);
  return to_python_json(document);
}

TaskRunPolicy task_run_policy_from_json(std::string_view json) {
  TaskRunPolicy policy;
  rapidjson::Document document;
  if (!parse_object(json, document)) return policy;
  policy.retries = integer_member(document, "retries");
  if (const auto *delay = member(document, "retry_delay")) {
    if (delay->IsNumber()) {
      policy.retry_delay = delay->GetDouble();
    } else if (delay->IsArray()) {
      std::vector<double> delays;
      for (const auto &item : delay->GetArray()) {
        if (item.IsNumber()) delays.push_back(item.GetDouble());
      }
      policy.retry_delays = std::move(delays);
    }
  }
  auto max_retries = integer_member(document, "max_retries").value_or(0);
  auto retry_delay_seconds = number_member(document, "retry_delay_seconds").value_or(0);
  if (policy.retries.value_or(0) == 0 && max_retries != 0) policy.retries = max_retries;
  if (!policy.retry_delays && policy.retry_delay.value_or(0) == 0 && retry_delay_seconds != 0) {
    policy.retry_delay = retry_delay_seconds;
  }
  policy.retry_jitter_factor = number_member(document, "retry_jitter_factor");
  return policy;
}

}  // namespace prefectd
