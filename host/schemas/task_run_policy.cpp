#include "task_run_policy.h"

#include "core/python_json.h"

#include <initializer_list>
#include <utility>

namespace prefectd {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

// `fields`: each key with the default it takes when absent.
rapidjson::Document normalised(const rapidjson::Value *given,
                               std::initializer_list<std::pair<const char *, const char *>> fields) {
  rapidjson::Document policy;
  policy.SetObject();
  Allocator &allocator = policy.GetAllocator();
  for (const auto &[key, default_json] : fields) {
    rapidjson::Value value;
    const bool present = given != nullptr && given->IsObject() && given->HasMember(key);
    if (present) {
      value.CopyFrom((*given)[key], allocator);
    } else {
      rapidjson::Document fallback(&allocator);
      fallback.Parse(default_json);
      value.CopyFrom(fallback, allocator);
    }
    policy.AddMember(rapidjson::StringRef(key), value, allocator);
  }
  return policy;
}

bool is_unset(const rapidjson::Value &value) {
  return value.IsNull() || (value.IsNumber() && value.GetDouble() == 0);
}

// Prefect's populate_deprecated_fields.
void copy_deprecated(rapidjson::Document &policy) {
  if (is_unset(policy["retries"]) && !is_unset(policy["max_retries"])) {
    policy["retries"].CopyFrom(policy["max_retries"], policy.GetAllocator());
  }
  if (is_unset(policy["retry_delay"]) && !is_unset(policy["retry_delay_seconds"])) {
    policy["retry_delay"].CopyFrom(policy["retry_delay_seconds"], policy.GetAllocator());
  }
}

}  // namespace

std::string task_run_policy_json(const rapidjson::Value *given) {
  rapidjson::Document policy = normalised(given, {{"max_retries", "0"},
                                                  {"retry_delay_seconds", "0"},
                                                  {"retries", "null"},
                                                  {"retry_delay", "null"},
                                                  {"retry_jitter_factor", "null"}});
  copy_deprecated(policy);
  return to_python_json(policy);
}

}  // namespace prefectd
