#include "host_services.h"

#include <spdlog/spdlog.h>

namespace prefectd {
namespace {

spdlog::level::level_enum to_spdlog(pd_log_level level) {
  switch (level) {
    case PD_LOG_TRACE:
      return spdlog::level::trace;
    case PD_LOG_DEBUG:
      return spdlog::level::debug;
    case PD_LOG_INFO:
      return spdlog::level::info;
    case PD_LOG_WARNING:
      return spdlog::level::warn;
    case PD_LOG_ERROR:
      return spdlog::level::err;
    case PD_LOG_CRITICAL:
      return spdlog::level::critical;
  }
  return spdlog::level::info;
}

void log_message(void *, pd_log_level level, const char *message) {
  spdlog::log(to_spdlog(level), "[plugin] {}", message != nullptr ? message : "");
}

int log_enabled(void *, pd_log_level level) {
  return spdlog::should_log(to_spdlog(level)) ? 1 : 0;
}

const char *setting(void *host, const char *canonical_name) {
  const auto *settings = static_cast<const Settings *>(host);
  if (canonical_name == nullptr || !settings->is_known(canonical_name)) return nullptr;
  return settings->c_str(canonical_name);
}

}  // namespace

HostServices::HostServices(const Settings &settings) : settings_(settings) {
  services_.struct_size = sizeof services_;
  services_.abi_major = PD_ABI_VERSION_MAJOR;
  services_.abi_minor = PD_ABI_VERSION_MINOR;
  // The plugin only ever hands this back to the functions below.
  services_.host = const_cast<Settings *>(&settings_);
  services_.xLog = log_message;
  services_.xLogEnabled = log_enabled;
  services_.xSetting = setting;
}

}  // namespace prefectd
