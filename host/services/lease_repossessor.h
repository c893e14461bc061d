// The repossessor (services.md §1.7): every
// PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS it gives back the slots
// of expired concurrency leases (an abandoned task or flow run stops
// renewing) and revokes them. One background thread, started by serve and
// joined on stop.
#pragma once

#include "concurrency/lease_storage.h"
#include "models/concurrency_limits_v2.h"
#include "periodic_loop.h"

#include <chrono>
#include <cstddef>

namespace prefectd {

class DatabaseInterface;

class LeaseRepossessor {
 public:
  LeaseRepossessor(DatabaseInterface &database, ConcurrencyLeaseStorage &leases, SlotWaitCaps caps,
                   std::chrono::milliseconds interval);

  void start() { loop_.start(); }
  // Wakes the thread and joins it; a pass under way finishes first.
  void stop() { loop_.stop(); }

  // One pass over up to 100 expired leases (Prefect's batch); returns how
  // many were released. A lease whose release fails stays for the next pass.
  size_t repossess_expired(Timestamp now = Timestamp::now());

 private:
  DatabaseInterface &database_;
  ConcurrencyLeaseStorage &leases_;
  SlotWaitCaps caps_;
  PeriodicLoop loop_;  // last: stopped before the members its passes use go
};

}  // namespace prefectd
