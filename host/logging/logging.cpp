#include "logging.h"

#include "settings/settings.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace prefectd {

void configure_logging(const Settings &settings) {
  std::string level = settings.text("PREFECT_SERVER_LOGGING_LEVEL").value_or("WARNING");
  std::transform(level.begin(), level.end(), level.begin(), [](unsigned char c) { return std::toupper(c); });
  spdlog::level::level_enum spdlog_level;
  if (level == "DEBUG")
    spdlog_level = spdlog::level::debug;
  else if (level == "INFO")
    spdlog_level = spdlog::level::info;
  else if (level == "WARNING")
    spdlog_level = spdlog::level::warn;
  else if (level == "ERROR")
    spdlog_level = spdlog::level::err;
  else if (level == "CRITICAL")
    spdlog_level = spdlog::level::critical;
  else
    throw std::invalid_argument("PREFECT_SERVER_LOGGING_LEVEL='" + level +
                                "' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL");
  auto logger = spdlog::stderr_color_mt("prefectd");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-8l%$ %v");
  logger->set_level(spdlog_level);
  spdlog::set_default_logger(logger);
}

}  // namespace prefectd
