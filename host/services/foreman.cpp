#include "foreman.h"

#include "database/database_interface.h"
#include "models/work_pools.h"
#include "settings/settings.h"

#include <spdlog/spdlog.h>

#include <vector>

namespace prefectd {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

Timestamp seconds_before(Timestamp now, int64_t seconds) {
  return Timestamp(now.micros() - seconds * kMicrosPerSecond);
}

}  // namespace

ForemanPolicy ForemanPolicy::from(const Settings &settings) {
  ForemanPolicy policy;
  const auto whole = [&](const char *name) { return static_cast<int64_t>(settings.number(name)); };
  policy.fallback_heartbeat_interval_seconds =
      whole("PREFECT_SERVER_SERVICES_FOREMAN_FALLBACK_HEARTBEAT_INTERVAL_SECONDS");
  policy.inactivity_heartbeat_multiple = whole("PREFECT_SERVER_SERVICES_FOREMAN_INACTIVITY_HEARTBEAT_MULTIPLE");
  policy.deployment_last_polled_timeout_seconds =
      whole("PREFECT_SERVER_SERVICES_FOREMAN_DEPLOYMENT_LAST_POLLED_TIMEOUT_SECONDS");
  policy.work_queue_last_polled_timeout_seconds =
      whole("PREFECT_SERVER_SERVICES_FOREMAN_WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS");
  return policy;
}

Foreman::Foreman(DatabaseInterface &database, ForemanPolicy policy, std::chrono::milliseconds interval)
    : database_(database), policy_(policy), loop_("foreman", interval, [this] { mark_unhealthy(); }) {}

void Foreman::mark_unhealthy(Timestamp now) {
  const QueryComponents &q = database_.queries();
  Session session = database_.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);

  // A worker is offline once it has missed this many of its heartbeats.
  const std::string silent_for = "COALESCE(heartbeat_interval_seconds, " + q.placeholder(2) + ") * " + q.placeholder(3);
  const int64_t offline =
      session
          .prepare("UPDATE worker SET status = 'OFFLINE' WHERE status = 'ONLINE' AND " +
                   q.timestamp_add_seconds("last_heartbeat_time", silent_for) + " < " + q.placeholder(1))
          .bind(1, now)
          .bind(2, policy_.fallback_heartbeat_interval_seconds)
          .bind(3, policy_.inactivity_heartbeat_multiple)
          .execute();

  // Through the pool's status write, so that each gets its status event id.
  std::vector<Uuid> pools_without_workers;
  Statement idle_pools = session.prepare(
      "SELECT id FROM work_pool WHERE status = 'READY' AND NOT EXISTS "
      "(SELECT 1 FROM worker WHERE worker.work_pool_id = work_pool.id AND worker.status = 'ONLINE')");
  while (idle_pools.step()) pools_without_workers.push_back(*idle_pools.uuid(0));
  for (const Uuid &pool_id : pools_without_workers) set_work_pool_status(database_, session, pool_id, "NOT_READY");

  // A deployment stays ready while it or its queue was polled recently.
  const Timestamp deployment_cutoff = seconds_before(now, policy_.deployment_last_polled_timeout_seconds);
  const int64_t stale_deployments =
      session
          .prepare(
              "UPDATE deployment SET status = 'NOT_READY' WHERE status = 'READY' AND last_polled IS NOT NULL "
              "AND last_polled < " +
              q.placeholder(1) +
              " AND NOT EXISTS (SELECT 1 FROM work_queue WHERE work_queue.id = deployment.work_queue_id "
              "AND work_queue.last_polled >= " +
              q.placeholder(1) + ")")
          .bind(1, deployment_cutoff)
          .execute();

  const Timestamp queue_cutoff = seconds_before(now, policy_.work_queue_last_polled_timeout_seconds);
  const int64_t stale_queues = session
                                   .prepare(
                                       "UPDATE work_queue SET status = 'NOT_READY' WHERE status = 'READY' "
                                       "AND last_polled < " +
                                       q.placeholder(1))
                                   .bind(1, queue_cutoff)
                                   .execute();
  transaction.commit();
  if (offline + static_cast<int64_t>(pools_without_workers.size()) + stale_deployments + stale_queues > 0) {
    spdlog::info("foreman: {} worker(s) offline; {} pool(s), {} deployment(s), {} queue(s) not ready", offline,
                 pools_without_workers.size(), stale_deployments, stale_queues);
  }
}

}  // namespace prefectd
