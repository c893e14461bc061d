// spdlog set up from PREFECT_SERVER_LOGGING_LEVEL.
#pragma once

namespace prefectd {

class Settings;

// Logs go to stderr; the level comes from the settings (Prefect's names:
// DEBUG, INFO, WARNING, ERROR, CRITICAL). Throws on an unknown level.
void configure_logging(const Settings &settings);

}  // namespace prefectd
