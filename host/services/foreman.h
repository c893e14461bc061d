// The foreman (services.md §1.6): every
// PREFECT_SERVER_SERVICES_FOREMAN_LOOP_SECONDS it marks workers that
// stopped sending heartbeats OFFLINE, READY pools left without an online
// worker NOT_READY, and READY deployments and work queues that nobody
// polled for a while NOT_READY.
#pragma once

#include "core/timestamp.h"
#include "periodic_loop.h"

#include <chrono>
#include <cstdint>

namespace prefectd {

class DatabaseInterface;
class Settings;

struct ForemanPolicy {
  int64_t fallback_heartbeat_interval_seconds = 30;
  int64_t inactivity_heartbeat_multiple = 3;
  int64_t deployment_last_polled_timeout_seconds = 60;
  int64_t work_queue_last_polled_timeout_seconds = 60;

  static ForemanPolicy from(const Settings &settings);
};

class Foreman {
 public:
  Foreman(DatabaseInterface &database, ForemanPolicy policy, std::chrono::milliseconds interval);

  void start() { loop_.start(); }
  void stop() { loop_.stop(); }

  // One pass, judged as of `now`, in one write transaction.
  void mark_unhealthy(Timestamp now = Timestamp::now());

 private:
  DatabaseInterface &database_;
  ForemanPolicy policy_;
  PeriodicLoop loop_;  // last: stopped before the members its passes use go
};

}  // namespace prefectd
