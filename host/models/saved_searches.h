// The saved_search table: upsert by name, read, delete, list by name.
#pragma once

#include "filters/filtered_query.h"
#include "schemas/saved_search.h"

#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct UpsertedSavedSearch {
  SavedSearch saved_search;
  bool inserted;  // false: a search of that name existed and its filters were replaced
};

UpsertedSavedSearch upsert_saved_search(DatabaseInterface &database, Session &session, const std::string &name,
                                        const std::string &filters_json);
std::optional<SavedSearch> read_saved_search(DatabaseInterface &database, Session &session, const Uuid &id);
bool delete_saved_search(DatabaseInterface &database, Session &session, const Uuid &id);
// Ordered by name.
std::vector<SavedSearch> read_saved_searches(DatabaseInterface &database, Session &session, const Page &page);

}  // namespace prefectd
