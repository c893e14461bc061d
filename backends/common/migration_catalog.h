// Builds the ORM migration list from the embedded files named
// migrations/NNNN_<revision>_<name>.up.sql and .down.sql.
#pragma once

#include <prefectd/backend.h>

#include <string>
#include <vector>

namespace prefectd::backend {

struct MigrationEntry {
  std::string revision;
  std::string name;
  const char *up_sql = nullptr;
  const char *down_sql = nullptr;
};

// Ordered by the NNNN sequence number. Built once; static afterwards.
const std::vector<MigrationEntry> &migration_catalog();

// The pd_orm entry points; they never throw.
size_t migration_count() noexcept;
pd_status migration_at(size_t index, pd_migration *out) noexcept;
pd_status fill_migration(size_t index, pd_migration *out);

}  // namespace prefectd::backend
