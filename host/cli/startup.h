// The steps every command shares: settings, logging, the database URL, the
// backend plugin and the opened database. Each failure is a StartupError
// carrying the process exit code and a one-line message saying what to do.
#pragma once

#include "database/database_interface.h"
#include "database/host_services.h"
#include "settings/settings.h"

#include <memory>
#include <stdexcept>

namespace prefectd {

class StartupError : public std::runtime_error {
 public:
  StartupError(int exit_code, const std::string &message) : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Exit codes, so scripts can tell failures apart.
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSettings = 3;
inline constexpr int kExitPlugin = 4;
inline constexpr int kExitDatabase = 5;

struct Runtime {
  std::unique_ptr<Settings> settings;
  std::unique_ptr<HostServices> host_services;
  std::unique_ptr<DatabaseInterface> database;
};

// Settings and logging only.
Runtime load_settings();
// Everything up to an opened database (not yet migrated).
Runtime open_database();

}  // namespace prefectd
