// The unique columns each Prefect model's upsert conflicts on
// (database.md §4). The same on every dialect, so both bundled plugins
// answer pd_orm.xUpsertColumns from here.
#pragma once

namespace prefectd::backend {

// A NULL-terminated static array, or nullptr for a model without one.
const char *const *prefect_upsert_columns(const char *model) noexcept;

}  // namespace prefectd::backend
