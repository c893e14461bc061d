// Where concurrency leases live: in this process's memory, as Prefect 3.8's
// default lease storage (prefect.server.concurrency.lease_storage.memory)
// keeps them.
//
// Why memory and not a table: the schema is Prefect 3.8's table for table
// (a database stays interchangeable with Python Prefect's), and Prefect has
// no lease table; a revision past Prefect's head would break that. Memory
// also gives the reference's observable behaviour: a lease is visible to
// every request of the server at once, it is gone after a restart (the
// slots it held then stay taken until a tag reset or a limit update, as
// with Prefect), and expired leases are reclaimed only by the repossessor.
// One prefectd process serves one database, so nothing needs sharing
// across replicas. The class is the seam where a durable storage would go.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"
#include "orchestration/orchestration_environment.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace prefectd {

struct StoredLease {
  Uuid id;
  std::vector<Uuid> resource_ids;  // concurrency_limit_v2 ids
  Timestamp created_at;
  Timestamp expiration;
  int64_t slots = 1;
  std::optional<ConcurrencyLeaseHolder> holder;
};

// Thread-safe: every route and the repossessor share one instance.
class ConcurrencyLeaseStorage {
 public:
  StoredLease create(std::vector<Uuid> resource_ids, double ttl_seconds, int64_t slots,
                     std::optional<ConcurrencyLeaseHolder> holder, Timestamp now = Timestamp::now());
  // Expired leases are still read until they are revoked, as in Prefect.
  std::optional<StoredLease> read(const Uuid &lease_id) const;
  // New expiration now + ttl; false when the lease is gone.
  bool renew(const Uuid &lease_id, double ttl_seconds, Timestamp now = Timestamp::now());
  void revoke(const Uuid &lease_id);
  // Revokes and returns the lease: of two releases racing for one lease
  // (its holder and the repossessor), only one gets it and gives its slots
  // back. `restore` puts it back when that release failed.
  std::optional<StoredLease> take(const Uuid &lease_id);
  void restore(StoredLease lease);
  // Up to `limit` leases whose expiration is before `now`, oldest expiry first.
  std::vector<Uuid> expired_ids(size_t limit, Timestamp now = Timestamp::now()) const;
  // (lease id, holder) of the unexpired leases on this limit that name a holder.
  std::vector<std::pair<Uuid, ConcurrencyLeaseHolder>> holders_for_limit(const Uuid &limit_id,
                                                                         Timestamp now = Timestamp::now()) const;
  // Revokes every unexpired lease on this limit (v1 delete and reset);
  // expired ones are left to the repossessor, as Prefect's loop over active
  // lease ids does.
  void revoke_active_on_limit(const Uuid &limit_id, Timestamp now = Timestamp::now());
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<Uuid, StoredLease> leases_;
};

}  // namespace prefectd
