// What route handlers may reach: settings, the database, the clock of the
// process, its concurrency leases and its event bus.
#pragma once

#include "core/timestamp.h"

namespace prefectd {

class Settings;
class DatabaseInterface;
class ConcurrencyLeaseStorage;
class EventBus;

struct ServerContext {
  const Settings &settings;
  DatabaseInterface &database;
  Timestamp started_at;
  ConcurrencyLeaseStorage &leases;  // the process's concurrency leases
  EventBus &events;                 // received events, to the services that consume them
};

}  // namespace prefectd
