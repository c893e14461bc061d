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

size_t migration_count();
pd_status migration_at(size_t index, pd_migration *out);

}  // namespace prefectd::backend
