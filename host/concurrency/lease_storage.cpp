#include "lease_storage.h"

#include <algorithm>
#include <cmath>

namespace prefectd {
namespace {

// TTLs reach ~100 years (v1 and tag leases); microseconds still fit in int64.
Timestamp after(Timestamp now, double seconds) {
  return Timestamp(now.micros() + static_cast<int64_t>(std::llround(seconds * 1e6)));
}

bool holds(const StoredLease &lease, const Uuid &limit_id) {
  return std::find(lease.resource_ids.begin(), lease.resource_ids.end(), limit_id) != lease.resource_ids.end();
}

}  // namespace

StoredLease ConcurrencyLeaseStorage::create(std::vector<Uuid> resource_ids, double ttl_seconds, int64_t slots,
                                            std::optional<ConcurrencyLeaseHolder> holder, Timestamp now) {
  StoredLease lease{Uuid::v4(), std::move(resource_ids), now, after(now, ttl_seconds), slots, std::move(holder)};
  std::lock_guard lock(mutex_);
  leases_.emplace(lease.id, lease);
  return lease;
}

std::optional<StoredLease> ConcurrencyLeaseStorage::read(const Uuid &lease_id) const {
  std::lock_guard lock(mutex_);
  auto found = leases_.find(lease_id);
  if (found == leases_.end()) return std::nullopt;
  return found->second;
}

bool ConcurrencyLeaseStorage::renew(const Uuid &lease_id, double ttl_seconds, Timestamp now) {
  std::lock_guard lock(mutex_);
  auto found = leases_.find(lease_id);
  if (found == leases_.end()) return false;
  found->second.expiration = after(now, ttl_seconds);
  return true;
}

void ConcurrencyLeaseStorage::revoke(const Uuid &lease_id) {
  std::lock_guard lock(mutex_);
  leases_.erase(lease_id);
}

std::optional<StoredLease> ConcurrencyLeaseStorage::take(const Uuid &lease_id) {
  std::lock_guard lock(mutex_);
  auto found = leases_.find(lease_id);
  if (found == leases_.end()) return std::nullopt;
  StoredLease lease = std::move(found->second);
  leases_.erase(found);
  return lease;
}

void ConcurrencyLeaseStorage::restore(StoredLease lease) {
  std::lock_guard lock(mutex_);
  const Uuid id = lease.id;
  leases_.emplace(id, std::move(lease));
}

std::vector<Uuid> ConcurrencyLeaseStorage::expired_ids(size_t limit, Timestamp now) const {
  std::vector<std::pair<Timestamp, Uuid>> expired;
  {
    std::lock_guard lock(mutex_);
    for (const auto &[id, lease] : leases_) {
      if (lease.expiration < now) expired.emplace_back(lease.expiration, id);
    }
  }
  std::sort(expired.begin(), expired.end());
  std::vector<Uuid> ids;
  for (size_t i = 0; i < expired.size() && i < limit; ++i) ids.push_back(expired[i].second);
  return ids;
}

std::vector<std::pair<Uuid, ConcurrencyLeaseHolder>> ConcurrencyLeaseStorage::holders_for_limit(const Uuid &limit_id,
                                                                                                Timestamp now) const {
  std::vector<std::pair<Timestamp, std::pair<Uuid, ConcurrencyLeaseHolder>>> found;
  {
    std::lock_guard lock(mutex_);
    for (const auto &[id, lease] : leases_) {
      if (lease.holder && lease.expiration > now && holds(lease, limit_id)) {
        found.push_back({lease.created_at, {id, *lease.holder}});
      }
    }
  }
  // Oldest first, as Prefect's dict keeps insertion order.
  std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
  std::vector<std::pair<Uuid, ConcurrencyLeaseHolder>> holders;
  for (auto &entry : found) holders.push_back(std::move(entry.second));
  return holders;
}

void ConcurrencyLeaseStorage::revoke_active_on_limit(const Uuid &limit_id, Timestamp now) {
  std::lock_guard lock(mutex_);
  std::erase_if(leases_,
                [&](const auto &entry) { return entry.second.expiration > now && holds(entry.second, limit_id); });
}

size_t ConcurrencyLeaseStorage::size() const {
  std::lock_guard lock(mutex_);
  return leases_.size();
}

}  // namespace prefectd
