// QueryComponents for SQLite: Prefect's SQLite dialect pieces.
#include "embedded_sql.h"
#include "plugin_error.h"
#include "sql_templates.h"
#include "vtables.h"

#include <string>
#include <string_view>

namespace prefectd::sqlite {
namespace {

using backend::append;

// strftime pattern producing Prefect's stored form: milliseconds padded to
// six digits, as Prefect's own SQLite now() does. Every timestamp and
// interval computed in SQL therefore has millisecond precision (SQLite's
// date functions keep whole milliseconds); values bound from C++ keep
// microseconds.
constexpr std::string_view kTimestampFormat = "'%Y-%m-%d %H:%M:%f000'";

std::string as_timestamp_text(std::string_view julian_day_expression) {
  return "strftime(" + std::string(kTimestampFormat) + ", " + std::string(julian_day_expression) + ")";
}

// A string literal holding `text`.
std::string quoted(std::string_view text) {
  std::string literal = "'";
  for (char c : text) {
    literal += c;
    if (c == '\'') literal += c;
  }
  return literal + "'";
}

void append_list(pd_sink *out, const char *function, const char *const *expressions, size_t count) {
  if (count == 0) {
    append(out, "NULL");
    return;
  }
  if (count == 1) {
    append(out, "(");
    append(out, expressions[0]);
    append(out, ")");
    return;
  }
  append(out, function);
  append(out, "(");
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) append(out, ", ");
    append(out, expressions[i]);
  }
  append(out, ")");
}

void placeholder(int index, pd_sink *out) {
  append(out, "?" + std::to_string(index));
}

int json_results_are_text() {
  return 1;
}

void now(pd_sink *out) {
  append(out, as_timestamp_text("'now'"));
}

void json_build_object(const pd_sql_pair *pairs, size_t count, pd_sink *out) {
  append(out, "json_object(");
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) append(out, ", ");
    append(out, quoted(pairs[i].key) + ", " + pairs[i].sql);
  }
  append(out, ")");
}

void json_aggregate(const char *expression, pd_sink *out) {
  append(out, "json_group_array(" + std::string(expression) + ")");
}

void json_extract_text(const char *expression, const char *key, pd_sink *out) {
  append(out, "json_extract(" + std::string(expression) + ", " + quoted("$." + std::string(key)) + ")");
}

// Every distinct needle is among the array's elements (database.md §3).
void json_has_all(const char *column, const char *needles, pd_sink *out) {
  append(out, "((SELECT COUNT(DISTINCT element.value) FROM json_each(" + std::string(column) +
                  ") AS element WHERE element.value IN (SELECT value FROM json_each(" + needles +
                  "))) >= (SELECT COUNT(DISTINCT value) FROM json_each(" + needles + ")))");
}

void json_has_any(const char *column, const char *needles, pd_sink *out) {
  append(out, "EXISTS (SELECT 1 FROM json_each(" + std::string(column) +
                  ") AS element WHERE element.value IN (SELECT value FROM json_each(" + needles + ")))");
}

void json_array_elements(const char *array_expression, pd_sink *out) {
  append(out, "SELECT value FROM json_each(" + std::string(array_expression) + ")");
}

// Multi-argument max/min: unlike PostgreSQL's GREATEST/LEAST they return
// NULL when any argument is NULL, exactly as Prefect's SQLite dialect does.
void greatest(const char *const *expressions, size_t count, pd_sink *out) {
  append_list(out, "max", expressions, count);
}

void least(const char *const *expressions, size_t count, pd_sink *out) {
  append_list(out, "min", expressions, count);
}

void ilike(const char *expression, const char *pattern, pd_sink *out) {
  append(out, "(lower(" + std::string(expression) + ") LIKE lower(" + pattern + "))");
}

// Intervals are stored as the epoch plus the duration, so their seconds are
// the julian day distance from the epoch (julian day 2440587.5).
void interval_seconds(const char *interval, pd_sink *out) {
  append(out, "((julianday(" + std::string(interval) + ") - 2440587.5) * 86400.0)");
}

void interval_from_seconds(const char *seconds, pd_sink *out) {
  append(out, as_timestamp_text("2440587.5 + (" + std::string(seconds) + ") / 86400.0"));
}

void timestamp_add_seconds(const char *timestamp, const char *seconds, pd_sink *out) {
  append(out, as_timestamp_text("julianday(" + std::string(timestamp) + ") + (" + seconds + ") / 86400.0"));
}

void timestamp_diff_seconds(const char *end, const char *start, pd_sink *out) {
  append(out, "((julianday(" + std::string(end) + ") - julianday(" + start + ")) * 86400.0)");
}

void timestamp_intervals(const char *start, const char *end, const char *interval_seconds_expression, pd_sink *out) {
  const char *text = backend::find_embedded_sql("queries/timestamp_intervals.sql");
  // The template is compiled in; a build without it gets SQL that fails
  // with a name saying what is missing rather than an empty result.
  append(out, backend::fill_template(
                  text != nullptr ? text : "SELECT * FROM missing_template_queries_timestamp_intervals_sql",
                  {{"{start}", start}, {"{end}", end}, {"{interval_seconds}", interval_seconds_expression}}));
}

void upsert_clause(const char *const *targets, size_t target_count, const char *const *updates, size_t update_count,
                   const char *where, pd_sink *out) {
  append(out, " ON CONFLICT (");
  for (size_t i = 0; i < target_count; ++i) {
    if (i > 0) append(out, ", ");
    append(out, targets[i]);
  }
  if (update_count == 0) {
    append(out, ") DO NOTHING");
    return;
  }
  append(out, ") DO UPDATE SET ");
  for (size_t i = 0; i < update_count; ++i) {
    if (i > 0) append(out, ", ");
    append(out, std::string(updates[i]) + " = excluded." + updates[i]);
  }
  if (where != nullptr) append(out, " WHERE " + std::string(where));
}

// Correlated subqueries rather than UPDATE ... FROM, which SQLite only has
// since 3.33 while prefectd supports 3.24.
void update_from(const char *table, const pd_sql_pair *assignments, size_t count, const char *from_source,
                 const char *condition, pd_sink *out) {
  append(out, "UPDATE " + std::string(table) + " SET ");
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) append(out, ", ");
    append(out, std::string(assignments[i].key) + " = (SELECT " + assignments[i].sql + " FROM " + from_source +
                    " WHERE " + condition + ")");
  }
  append(out, " WHERE EXISTS (SELECT 1 FROM " + std::string(from_source) + " WHERE " + condition + ")");
}

// A write transaction already holds SQLite's database lock.
void for_update(int, pd_sink *) {}

}  // namespace

const pd_query_components &query_components_vtable() {
  static const pd_query_components vtable = {
      .struct_size = sizeof(pd_query_components),
      .xPlaceholder = placeholder,
      .xJsonResultsAreText = json_results_are_text,
      .xNow = now,
      .xJsonBuildObject = json_build_object,
      .xJsonAggregate = json_aggregate,
      .xJsonExtractText = json_extract_text,
      .xJsonHasAll = json_has_all,
      .xJsonHasAny = json_has_any,
      .xJsonArrayElements = json_array_elements,
      .xGreatest = greatest,
      .xLeast = least,
      .xIlike = ilike,
      .xIntervalSeconds = interval_seconds,
      .xIntervalFromSeconds = interval_from_seconds,
      .xTimestampAddSeconds = timestamp_add_seconds,
      .xTimestampDiffSeconds = timestamp_diff_seconds,
      .xTimestampIntervals = timestamp_intervals,
      .xUpsertClause = upsert_clause,
      .xUpdateFrom = update_from,
      .xForUpdate = for_update,
      .xQueryTemplate = backend::append_query_template,
  };
  return vtable;
}

}  // namespace prefectd::sqlite
