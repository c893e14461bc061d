// The host's face of a backend's QueryComponents: each dialect piece as a
// std::string, so portable statements can be assembled around them.
#pragma once

#include <prefectd/backend.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prefectd {

class QueryComponents {
 public:
  explicit QueryComponents(const pd_query_components &components) : components_(&components) {}

  std::string placeholder(int index) const;
  // "$1, $2, $3" (or the dialect's equivalent) for `count` placeholders from `first`.
  std::string placeholder_list(int first, int count) const;
  bool json_results_are_text() const { return components_->xJsonResultsAreText() != 0; }
  std::string now() const;
  std::string json_build_object(const std::vector<std::pair<std::string, std::string>> &pairs) const;
  std::string json_aggregate(const std::string &expression) const;
  std::string json_extract_text(const std::string &expression, const std::string &key) const;
  std::string json_has_all(const std::string &column, const std::string &needles) const;
  std::string json_has_any(const std::string &column, const std::string &needles) const;
  std::string json_array_elements(const std::string &array_expression) const;
  std::string greatest(const std::vector<std::string> &expressions) const;
  std::string least(const std::vector<std::string> &expressions) const;
  std::string ilike(const std::string &expression, const std::string &pattern) const;
  std::string interval_seconds(const std::string &interval) const;
  std::string interval_from_seconds(const std::string &seconds) const;
  std::string timestamp_add_seconds(const std::string &timestamp, const std::string &seconds) const;
  std::string timestamp_diff_seconds(const std::string &end, const std::string &start) const;
  std::string timestamp_intervals(const std::string &start, const std::string &end,
                                  const std::string &interval_seconds) const;
  std::string upsert_clause(const std::vector<std::string> &targets, const std::vector<std::string> &updates,
                            const char *where = nullptr) const;
  std::string update_from(const std::string &table, const std::vector<std::pair<std::string, std::string>> &assignments,
                          const std::string &from_source, const std::string &condition) const;
  std::string for_update(bool skip_locked) const;
  // Throws DatabaseError(PD_NOT_SUPPORTED) when the dialect lacks it.
  std::string query_template(pd_query_template query) const;

 private:
  const pd_query_components *components_;
};

}  // namespace prefectd
