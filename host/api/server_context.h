// What route handlers may reach: settings (and those resolved once at
// start-up), the database, the clock of the process, its concurrency leases
// and its event bus.
#pragma once

#include "core/timestamp.h"
#include "models/concurrency_limits_v2.h"
#include "orchestration/orchestration_settings.h"

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
  const OrchestrationSettings &orchestration;
  const SlotWaitCaps &slot_waits;
};

}  // namespace prefectd
