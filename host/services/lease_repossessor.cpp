#include "lease_repossessor.h"

#include "database/database_interface.h"

#include <spdlog/spdlog.h>

namespace prefectd {
namespace {

constexpr size_t kLeasesPerPass = 100;

}  // namespace

LeaseRepossessor::LeaseRepossessor(DatabaseInterface &database, ConcurrencyLeaseStorage &leases, SlotWaitCaps caps,
                                   std::chrono::milliseconds interval)
    : database_(database),
      leases_(leases),
      caps_(caps),
      loop_("repossessor", interval, [this] { repossess_expired(); }) {}

size_t LeaseRepossessor::repossess_expired(Timestamp now) {
  size_t released = 0;
  for (const Uuid &lease_id : leases_.expired_ids(kLeasesPerPass, now)) {
    auto lease = leases_.take(lease_id);
    if (!lease) continue;  // released by its holder meanwhile
    const double occupancy = static_cast<double>(now.micros() - lease->created_at.micros()) / 1e6;
    try {
      Session session = database_.session();
      Transaction transaction(session, PD_TRANSACTION_WRITE);
      decrement_concurrency_slots_v2(database_, session, lease->resource_ids, lease->slots, occupancy, caps_, now);
      transaction.commit();
    } catch (const std::exception &error) {
      spdlog::warn("repossessor: releasing lease {} failed: {}", lease_id.to_string(), error.what());
      leases_.restore(*lease);
      continue;
    }
    spdlog::info("repossessor: revoked lease {} for {} concurrency limit(s) with {} slot(s)", lease_id.to_string(),
                 lease->resource_ids.size(), lease->slots);
    ++released;
  }
  return released;
}

}  // namespace prefectd
