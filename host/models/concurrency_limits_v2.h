// The concurrency_limit_v2 table: global limits and the atomic slot
// arithmetic of orchestration.md §7 (decay, acquire, release, denied slots).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct ConcurrencyLimitV2Row {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  bool active = true;
  std::string name;
  int64_t limit = 0;
  int64_t active_slots = 0;  // as stored, or after decay where a reader says so
  int64_t denied_slots = 0;
  double slot_decay_per_second = 0;
  double avg_slot_occupancy_seconds = 2.0;
};

// A limit named by the API: a path argument that parses as a UUID is an id.
struct ConcurrencyLimitKey {
  std::optional<Uuid> id;
  std::string name;
  static ConcurrencyLimitKey from_path(const std::string &id_or_name);
};

// The waits that cap how fast denied slots decay on limits without a
// decay rate: PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS for
// "tag:" limits, PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS
// for the others.
struct SlotWaitCaps {
  double tag_seconds = 10;
  double other_seconds = 30;
};

// The members of an update that were sent (ConcurrencyLimitV2Update).
struct ConcurrencyLimitV2Update {
  std::optional<bool> active;
  std::optional<std::string> name;
  std::optional<int64_t> limit;
  std::optional<int64_t> active_slots;
  std::optional<int64_t> denied_slots;
  std::optional<double> slot_decay_per_second;
};

// Throws DatabaseError(PD_CONSTRAINT) when the name is taken.
ConcurrencyLimitV2Row create_concurrency_limit_v2(DatabaseInterface &database, Session &session,
                                                  const ConcurrencyLimitV2Row &limit);
// `decayed`: active_slots as of `now` (GlobalConcurrencyLimitResponse).
std::optional<ConcurrencyLimitV2Row> read_concurrency_limit_v2(DatabaseInterface &database, Session &session,
                                                               const ConcurrencyLimitKey &key, bool decayed = false,
                                                               Timestamp now = Timestamp::now());
// The limits with these names that exist, in name order.
std::vector<ConcurrencyLimitV2Row> read_concurrency_limits_v2_named(DatabaseInterface &database, Session &session,
                                                                    const std::vector<std::string> &names);
// All limits by name, active_slots after decay.
std::vector<ConcurrencyLimitV2Row> read_all_concurrency_limits_v2(DatabaseInterface &database, Session &session,
                                                                  int64_t limit, int64_t offset,
                                                                  Timestamp now = Timestamp::now());
bool update_concurrency_limit_v2(DatabaseInterface &database, Session &session, const ConcurrencyLimitKey &key,
                                 const ConcurrencyLimitV2Update &update);
bool delete_concurrency_limit_v2(DatabaseInterface &database, Session &session, const ConcurrencyLimitKey &key);

// One UPDATE takes `slots` on every limit in `ids` that is active and has
// room after decay; true only if every one of them did (the caller rolls
// back otherwise). SQLite serialises write transactions; PostgreSQL's READ
// COMMITTED re-evaluates the room predicate on the row a concurrent
// increment left, so the check and the write cannot be split.
bool increment_concurrency_slots_v2(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids,
                                    int64_t slots, const SlotWaitCaps &caps, Timestamp now = Timestamp::now());
// Gives back `slots` (never below 0) on the active limits in `ids`; with
// `occupancy_seconds` also moves the average occupancy. True if every
// limit was updated.
bool decrement_concurrency_slots_v2(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids,
                                    int64_t slots, std::optional<double> occupancy_seconds, const SlotWaitCaps &caps,
                                    Timestamp now = Timestamp::now());
// A refused increment: denied_slots = decayed(denied_slots) + slots.
void record_denied_slots_v2(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids, int64_t slots,
                            const SlotWaitCaps &caps, Timestamp now = Timestamp::now());

}  // namespace prefectd
