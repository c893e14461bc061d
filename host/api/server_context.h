// What route handlers may reach: settings, the database, the clock of the
// process and its concurrency leases.
#pragma once

#include "core/timestamp.h"

namespace prefectd {

class Settings;
class DatabaseInterface;
class ConcurrencyLeaseStorage;

struct ServerContext {
  const Settings &settings;
  DatabaseInterface &database;
  Timestamp started_at;
  ConcurrencyLeaseStorage &leases;  // the process's concurrency leases
};

}  // namespace prefectd
