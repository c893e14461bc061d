#include "run_bookkeeping.h"

namespace prefectd {

std::string run_bookkeeping_assignments(const QueryComponents &queries, int first) {
  constexpr const char *kColumns[kRunBookkeepingColumns] = {"state_id",
                                                            "state_type",
                                                            "state_name",
                                                            "state_timestamp",
                                                            "run_count",
                                                            "expected_start_time",
                                                            "next_scheduled_start_time",
                                                            "start_time",
                                                            "end_time",
                                                            "total_run_time"};
  std::string assignments;
  for (int i = 0; i < kRunBookkeepingColumns; ++i) {
    if (i > 0) assignments += ", ";
    assignments += std::string(kColumns[i]) + " = " + queries.placeholder(first + i);
  }
  return assignments;
}

}  // namespace prefectd
