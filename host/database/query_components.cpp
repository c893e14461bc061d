#include "query_components.h"

#include "database_error.h"

namespace prefectd {
namespace {

// A pd_sink appending to a std::string.
struct StringSink {
  std::string text;
  pd_sink sink{this, [](void *context, const char *bytes, size_t size) {
                 static_cast<StringSink *>(context)->text.append(bytes, size);
               }};
};

std::vector<pd_sql_pair> to_pairs(const std::vector<std::pair<std::string, std::string>> &pairs) {
  std::vector<pd_sql_pair> result;
  for (const auto &[key, sql] : pairs) result.push_back({key.c_str(), sql.c_str()});
  return result;
}

std::vector<const char *> to_c_strings(const std::vector<std::string> &items) {
  std::vector<const char *> result;
  for (const auto &item : items) result.push_back(item.c_str());
  return result;
}

}  // namespace

std::string QueryComponents::placeholder_list(int first, int count) const {
  std::string list;
  for (int i = 0; i < count; ++i) {
    if (i > 0) list += ", ";
    list += placeholder(first + i);
  }
  return list;
}

std::string QueryComponents::placeholder(int index) const {
  StringSink out;
  components_->xPlaceholder(index, &out.sink);
  return out.text;
}

std::string QueryComponents::now() const {
  StringSink out;
  components_->xNow(&out.sink);
  return out.text;
}

std::string QueryComponents::json_build_object(const std::vector<std::pair<std::string, std::string>> &pairs) const {
  StringSink out;
  auto c_pairs = to_pairs(pairs);
  components_->xJsonBuildObject(c_pairs.data(), c_pairs.size(), &out.sink);
  return out.text;
}

std::string QueryComponents::json_aggregate(const std::string &expression) const {
  StringSink out;
  components_->xJsonAggregate(expression.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::json_extract_text(const std::string &expression, const std::string &key) const {
  StringSink out;
  components_->xJsonExtractText(expression.c_str(), key.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::json_has_all(const std::string &column, const std::string &needles) const {
  StringSink out;
  components_->xJsonHasAll(column.c_str(), needles.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::json_has_any(const std::string &column, const std::string &needles) const {
  StringSink out;
  components_->xJsonHasAny(column.c_str(), needles.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::json_array_elements(const std::string &array_expression) const {
  StringSink out;
  components_->xJsonArrayElements(array_expression.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::greatest(const std::vector<std::string> &expressions) const {
  StringSink out;
  auto items = to_c_strings(expressions);
  components_->xGreatest(items.data(), items.size(), &out.sink);
  return out.text;
}

std::string QueryComponents::least(const std::vector<std::string> &expressions) const {
  StringSink out;
  auto items = to_c_strings(expressions);
  components_->xLeast(items.data(), items.size(), &out.sink);
  return out.text;
}

std::string QueryComponents::ilike(const std::string &expression, const std::string &pattern) const {
  StringSink out;
  components_->xIlike(expression.c_str(), pattern.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::interval_seconds(const std::string &interval) const {
  StringSink out;
  components_->xIntervalSeconds(interval.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::interval_from_seconds(const std::string &seconds) const {
  StringSink out;
  components_->xIntervalFromSeconds(seconds.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::timestamp_add_seconds(const std::string &timestamp, const std::string &seconds) const {
  StringSink out;
  components_->xTimestampAddSeconds(timestamp.c_str(), seconds.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::timestamp_diff_seconds(const std::string &end, const std::string &start) const {
  StringSink out;
  components_->xTimestampDiffSeconds(end.c_str(), start.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::timestamp_intervals(const std::string &start, const std::string &end,
                                                 const std::string &interval_seconds) const {
  StringSink out;
  components_->xTimestampIntervals(start.c_str(), end.c_str(), interval_seconds.c_str(), &out.sink);
  return out.text;
}

std::string QueryComponents::upsert_clause(const std::vector<std::string> &targets,
                                           const std::vector<std::string> &updates, const char *where) const {
  StringSink out;
  auto c_targets = to_c_strings(targets);
  auto c_updates = to_c_strings(updates);
  components_->xUpsertClause(c_targets.data(), c_targets.size(), c_updates.data(), c_updates.size(), where, &out.sink);
  return out.text;
}

std::string QueryComponents::update_from(const std::string &table,
                                         const std::vector<std::pair<std::string, std::string>> &assignments,
                                         const std::string &from_source, const std::string &condition) const {
  StringSink out;
  auto c_pairs = to_pairs(assignments);
  components_->xUpdateFrom(table.c_str(), c_pairs.data(), c_pairs.size(), from_source.c_str(), condition.c_str(),
                           &out.sink);
  return out.text;
}

std::string QueryComponents::for_update(bool skip_locked) const {
  StringSink out;
  components_->xForUpdate(skip_locked ? 1 : 0, &out.sink);
  return out.text;
}

std::string QueryComponents::query_template(pd_query_template query) const {
  StringSink out;
  pd_status status = components_->xQueryTemplate(query, &out.sink);
  if (status != PD_OK) throw DatabaseError(status, "the backend has no query template " + std::to_string(query));
  return out.text;
}

}  // namespace prefectd
