#include "database_workers.h"

#include <algorithm>

namespace prefectd {

size_t default_database_workers(size_t pool_capacity, int writer_limit, unsigned cores) {
  const size_t capacity = std::max<size_t>(1, pool_capacity);
  if (writer_limit != 1) return capacity;
  const size_t known_cores = cores == 0 ? 2 : cores;
  return std::min(capacity, std::max<size_t>(2, 2 * known_cores));
}

}  // namespace prefectd
