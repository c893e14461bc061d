// What route handlers may reach: settings, the database, the clock of the process.
#pragma once

#include "core/timestamp.h"

namespace prefectd {

class Settings;
class DatabaseInterface;

struct ServerContext {
  const Settings &settings;
  DatabaseInterface &database;
  Timestamp started_at;
};

}  // namespace prefectd
