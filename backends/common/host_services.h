// The host services handed to the plugin at load: logging and settings.
#pragma once

#include <prefectd/backend.h>

#include <optional>
#include <string>

namespace prefectd::backend {

void remember_host(const pd_host_services *host);

void log(pd_log_level level, const std::string &message);
bool log_enabled(pd_log_level level);

// The effective value of a setting, as the host resolved it (aliases, files
// and defaults applied). nullopt when unset without a default.
std::optional<std::string> setting(const char *canonical_name);
// A numeric setting; `fallback` when unset or unparsable (the latter logged).
double number_setting(const char *canonical_name, double fallback);
bool boolean_setting(const char *canonical_name, bool fallback);

}  // namespace prefectd::backend
