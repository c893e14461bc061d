// Deployment bodies as Prefect 2.x clients send them (API 0.8.4), in the
// 3.x contract's shape: a single `schedule` with `is_schedule_active`
// becomes `schedules` (and `paused`), `infra_overrides` becomes
// `job_variables`, and keys 3.x dropped are dropped.
#pragma once

#include <string>

namespace prefectd {

// `body` unchanged unless it is a JSON object with one of those keys.
std::string upgrade_deployment_body(const std::string &body);

}  // namespace prefectd
