// The default number of threads doing database work.
#include "cli/database_workers.h"

#include <gtest/gtest.h>

namespace prefectd {
namespace {

TEST(DatabaseWorkers, OnePerPooledConnectionWhereWritersGoOnTogether) {
  EXPECT_EQ(default_database_workers(15, 0, 2), 15u);
  EXPECT_EQ(default_database_workers(15, 0, 64), 15u);
}

TEST(DatabaseWorkers, TwoPerCoreWhereTheDatabaseAdmitsOneWriter) {
  EXPECT_EQ(default_database_workers(15, 1, 2), 4u);
  EXPECT_EQ(default_database_workers(15, 1, 4), 8u);
  EXPECT_EQ(default_database_workers(15, 1, 32), 15u);  // never more than connections
  EXPECT_EQ(default_database_workers(15, 1, 0), 4u);    // cores unknown: taken as 2
  EXPECT_EQ(default_database_workers(15, 1, 1), 2u);
}

TEST(DatabaseWorkers, AtLeastOne) {
  EXPECT_EQ(default_database_workers(0, 0, 2), 1u);
  EXPECT_EQ(default_database_workers(0, 1, 2), 1u);
}

}  // namespace
}  // namespace prefectd
