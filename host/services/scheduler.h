// The scheduler (services.md §1.1): keeps each unpaused deployment's
// active schedules ahead with SCHEDULED runs. The main loop looks at every
// deployment every PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS; the
// recent loop, every ..._RECENT_DEPLOYMENTS_LOOP_SECONDS, at those updated
// since its last pass, so that a new or edited deployment gets its runs
// within seconds.
#pragma once

#include "concurrency/lease_storage.h"
#include "concurrency/slot_wait_caps.h"
#include "core/timestamp.h"
#include "orchestration/orchestration_settings.h"
#include "periodic_loop.h"
#include "schedules/schedule_dates.h"

#include <chrono>
#include <cstdint>
#include <optional>

namespace prefectd {

class DatabaseInterface;
class Settings;

struct SchedulerPolicy {
  ScheduleHorizon horizon;
  int64_t deployment_batch_size = 100;
  std::chrono::milliseconds loop_interval{60'000};
  std::chrono::milliseconds recent_loop_interval{5'000};

  static SchedulerPolicy from(const Settings &settings);
};

class Scheduler {
 public:
  Scheduler(DatabaseInterface &database, const OrchestrationSettings &orchestration, const SlotWaitCaps &slot_waits,
            ConcurrencyLeaseStorage &leases, SchedulerPolicy policy);

  void start();
  void stop();

  // One pass as of `now` over the deployments updated at or after
  // `updated_since` (all when nullopt); returns how many runs it inserted.
  int64_t schedule_runs(Timestamp now = Timestamp::now(), std::optional<Timestamp> updated_since = std::nullopt);

 private:
  DatabaseInterface &database_;
  const OrchestrationSettings &orchestration_;
  const SlotWaitCaps &slot_waits_;
  ConcurrencyLeaseStorage &leases_;
  SchedulerPolicy policy_;
  // Last: stopped before the members their passes use go.
  PeriodicLoop main_loop_;
  PeriodicLoop recent_loop_;
};

}  // namespace prefectd
