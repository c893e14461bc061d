// How many threads run requests' database work when PREFECTD_DATABASE_WORKERS
// does not say.
#pragma once

#include <cstddef>

namespace prefectd {

// One per pooled connection (`pool_capacity`, POOL_SIZE + MAX_OVERFLOW), so
// that every connection can be in use. Where the database admits a single
// writer (`writer_limit` 1), more requests at work than about two per core
// only take CPU time from the request holding the write lock, and every
// writer waits for that one: there the count stops at twice the cores
// (measured in docs/benchmarks.md). `cores` 0 means unknown (taken as 2).
size_t default_database_workers(size_t pool_capacity, int writer_limit, unsigned cores);

}  // namespace prefectd
