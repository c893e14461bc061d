// The slot arithmetic of orchestration.md §7 on each backend, and the
// repossessor giving back the slots of expired leases.
#include "concurrency/lease_storage.h"
#include "database/migrations.h"
#include "models/concurrency_limits_v2.h"
#include "services/lease_repossessor.h"
#include "support/backends.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace prefectd {
namespace {

using namespace testing_support;

class ConcurrencySlots : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    MigrationRunner(*database_).upgrade();
  }

  Uuid create_limit(const std::string &name, int64_t limit, double decay = 0) {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    ConcurrencyLimitV2Row row;
    row.name = name;
    row.limit = limit;
    row.slot_decay_per_second = decay;
    const Uuid id = create_concurrency_limit_v2(*database_, session, row).id;
    transaction.commit();
    return id;
  }

  bool increment(const std::vector<Uuid> &ids, int64_t slots, Timestamp now = Timestamp::now()) {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    const bool taken = increment_concurrency_slots_v2(*database_, session, ids, slots, caps_, now);
    if (taken)
      transaction.commit();
    else
      transaction.rollback();
    return taken;
  }

  void decrement(const std::vector<Uuid> &ids, int64_t slots, std::optional<double> occupancy = std::nullopt) {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    decrement_concurrency_slots_v2(*database_, session, ids, slots, occupancy, caps_);
    transaction.commit();
  }

  ConcurrencyLimitV2Row read(const std::string &name, bool decayed = false, Timestamp now = Timestamp::now()) {
    Session session = database_->session();
    return *read_concurrency_limit_v2(*database_, session, ConcurrencyLimitKey{std::nullopt, name}, decayed, now);
  }

  static Timestamp later(double seconds) {
    return Timestamp(Timestamp::now().micros() + static_cast<int64_t>(seconds * 1e6));
  }

  SlotWaitCaps caps_;
};

TEST_P(ConcurrencySlots, IncrementTakesSlotsOnlyWhileThereIsRoom) {
  const Uuid id = create_limit("db", 2);
  EXPECT_TRUE(increment({id}, 1));
  EXPECT_TRUE(increment({id}, 1));
  EXPECT_FALSE(increment({id}, 1));
  EXPECT_EQ(read("db").active_slots, 2);
}

TEST_P(ConcurrencySlots, IncrementOnSeveralLimitsIsAllOrNothing) {
  const Uuid roomy = create_limit("roomy", 5);
  const Uuid full = create_limit("full", 1);
  ASSERT_TRUE(increment({full}, 1));
  EXPECT_FALSE(increment({roomy, full}, 1));
  EXPECT_EQ(read("roomy").active_slots, 0) << "the caller rolled the partial update back";
}

TEST_P(ConcurrencySlots, InactiveLimitsTakeNoSlots) {
  const Uuid id = create_limit("off", 3);
  Session session = database_->session();
  ConcurrencyLimitV2Update off;
  off.active = false;
  update_concurrency_limit_v2(*database_, session, ConcurrencyLimitKey{id, ""}, off);
  EXPECT_FALSE(increment({id}, 1));
}

TEST_P(ConcurrencySlots, DecrementNeverGoesBelowZeroAndMovesTheAverageOccupancy) {
  const Uuid id = create_limit("db", 2);
  ASSERT_TRUE(increment({id}, 1));
  decrement({id}, 1, 10.0);
  // avg + s/(limit·2) − avg/(limit·2) = 2 + 10/4 − 2/4
  EXPECT_DOUBLE_EQ(read("db").avg_slot_occupancy_seconds, 4.0);
  decrement({id}, 2);
  EXPECT_EQ(read("db").active_slots, 0);
}

TEST_P(ConcurrencySlots, ActiveSlotsDecayAtTheLimitsRate) {
  const Uuid id = create_limit("rate", 10, 2.0);
  ASSERT_TRUE(increment({id}, 10));
  EXPECT_EQ(read("rate", /*decayed=*/true, later(1.6)).active_slots, 7) << "floor(2 × 1.6) = 3 slots decayed";
  EXPECT_EQ(read("rate", true, later(60)).active_slots, 0);
  EXPECT_FALSE(increment({id}, 1));
  EXPECT_TRUE(increment({id}, 4, later(2.1))) << "4 slots decayed by then";
}

TEST_P(ConcurrencySlots, DeniedSlotsAddUpAndDecay) {
  const Uuid id = create_limit("tag:db", 1);
  ASSERT_TRUE(increment({id}, 1));
  {
    Session session = database_->session();
    record_denied_slots_v2(*database_, session, {id}, 3, caps_);
  }
  EXPECT_EQ(read("tag:db").denied_slots, 3);
  // No decay rate: denied slots fade at 1/clamp(avg occupancy 2 s) per second.
  decrement({id}, 1, std::nullopt);
  Session session = database_->session();
  record_denied_slots_v2(*database_, session, {id}, 0, caps_, later(4.1));
  EXPECT_EQ(read("tag:db").denied_slots, 1);
}

TEST_P(ConcurrencySlots, RepossessorGivesBackTheSlotsOfExpiredLeasesOnly) {
  const Uuid id = create_limit("db", 3);
  ASSERT_TRUE(increment({id}, 2));
  ConcurrencyLeaseStorage leases;
  const Uuid expiring = leases.create({id}, 60, 1, std::nullopt).id;
  const Uuid renewed = leases.create({id}, 60, 1, ConcurrencyLeaseHolder{"task_run", Uuid::v4()}).id;
  LeaseRepossessor repossessor(*database_, leases, caps_, std::chrono::milliseconds(50));
  EXPECT_EQ(repossessor.repossess_expired(), 0u);
  ASSERT_TRUE(leases.renew(renewed, 120));
  EXPECT_EQ(repossessor.repossess_expired(later(61)), 1u);
  EXPECT_FALSE(leases.read(expiring));
  EXPECT_TRUE(leases.read(renewed));
  EXPECT_EQ(read("db").active_slots, 1);
}

TEST_P(ConcurrencySlots, RepossessorThreadReclaimsWithoutBeingAsked) {
  const Uuid id = create_limit("db", 1);
  ASSERT_TRUE(increment({id}, 1));
  ConcurrencyLeaseStorage leases;
  leases.create({id}, 0.05, 1, std::nullopt);
  LeaseRepossessor repossessor(*database_, leases, caps_, std::chrono::milliseconds(50));
  repossessor.start();
  for (int i = 0; i < 100 && leases.size() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  repossessor.stop();
  EXPECT_EQ(leases.size(), 0u);
  EXPECT_EQ(read("db").active_slots, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrencySlots, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
