// The host services handed to the plugin at load: logging and settings.
#pragma once

#include <prefectd/backend.h>

#include <optional>
#include <string>

namespace prefectd::sqlite {

void remember_host(const pd_host_services *host);

void log(pd_log_level level, const std::string &message);

// The effective value of a setting, as the host resolved it.
std::optional<std::string> setting(const char *canonical_name);
double number_setting(const char *canonical_name, double fallback);
bool boolean_setting(const char *canonical_name, bool fallback);

}  // namespace prefectd::sqlite
