// A task run's empirical_policy as Prefect stores it: every field of
// TaskRunPolicy in declaration order, with the deprecated max_retries and
// retry_delay_seconds copied into retries and retry_delay when those are
// unset (objects.md §3). Flow runs' policy lives with orchestration
// (orchestration/run_policy.h), which rewrites it.
#pragma once

#include <rapidjson/document.h>

#include <string>

namespace prefectd {

// `given` may be null (absent); the result is Python-json text.
std::string task_run_policy_json(const rapidjson::Value *given);

}  // namespace prefectd
