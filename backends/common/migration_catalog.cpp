#include "migration_catalog.h"

#include "embedded_sql.h"
#include "plugin_error.h"

#include <algorithm>
#include <map>
#include <string_view>

namespace prefectd::backend {
namespace {

constexpr std::string_view kDirectory = "migrations/";
constexpr std::string_view kUpSuffix = ".up.sql";
constexpr std::string_view kDownSuffix = ".down.sql";

std::vector<MigrationEntry> build_catalog() {
  // Keyed by the file stem "NNNN_<revision>_<name>", which sorts in order.
  std::map<std::string, MigrationEntry> by_stem;
  for (const EmbeddedSqlFile &file : embedded_sql_files()) {
    std::string_view path = file.path;
    if (!path.starts_with(kDirectory)) continue;
    path.remove_prefix(kDirectory.size());
    bool up = path.ends_with(kUpSuffix);
    bool down = path.ends_with(kDownSuffix);
    if (!up && !down) continue;
    std::string stem(path.substr(0, path.size() - (up ? kUpSuffix.size() : kDownSuffix.size())));
    MigrationEntry &entry = by_stem[stem];
    (up ? entry.up_sql : entry.down_sql) = file.text;
    size_t first = stem.find('_');
    size_t second = first == std::string::npos ? std::string::npos : stem.find('_', first + 1);
    if (second != std::string::npos) {
      entry.revision = stem.substr(first + 1, second - first - 1);
      entry.name = stem.substr(second + 1);
      std::replace(entry.name.begin(), entry.name.end(), '_', ' ');
    }
  }
  std::vector<MigrationEntry> ordered;
  for (auto &[stem, entry] : by_stem) {
    // A migration missing either half or its revision is a build mistake;
    // leaving it out would silently skip schema, so keep it and let the
    // host refuse it (it checks for null SQL).
    ordered.push_back(std::move(entry));
  }
  return ordered;
}

}  // namespace

const std::vector<MigrationEntry> &migration_catalog() {
  static const std::vector<MigrationEntry> catalog = build_catalog();
  return catalog;
}

size_t migration_count() noexcept {
  try {
    return migration_catalog().size();
  } catch (...) {
    return 0;  // the host then finds no migrations and says so
  }
}

pd_status migration_at(size_t index, pd_migration *out) noexcept {
  return guarded(nullptr, [&] { return fill_migration(index, out); });
}

pd_status fill_migration(size_t index, pd_migration *out) {
  const auto &catalog = migration_catalog();
  if (out == nullptr || index >= catalog.size()) return PD_MISUSE;
  const MigrationEntry &entry = catalog[index];
  out->revision = entry.revision.c_str();
  out->name = entry.name.c_str();
  out->up_sql = entry.up_sql;
  out->down_sql = entry.down_sql;
  return PD_OK;
}

}  // namespace prefectd::backend
