// QueryComponents for the PostgreSQL dialect (Prefect's
// AsyncPostgresQueryComponents): pure functions that append SQL.
#include "embedded_sql.h"
#include "plugin_error.h"
#include "sql_templates.h"
#include "vtables.h"

#include <string>
#include <string_view>

namespace prefectd::postgres {
namespace {

using backend::append;
using backend::guarded;

// A key written as a SQL string literal; keys are plain identifiers, but a
// quote would still be doubled rather than end the literal.
void append_string_literal(std::string_view text, pd_sink *out) {
  std::string literal = "'";
  for (char c : text) {
    if (c == '\'') literal += '\'';
    literal += c;
  }
  literal += '\'';
  append(out, literal);
}

void append_list(const char *const *items, size_t count, pd_sink *out) {
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) append(out, ", ");
    append(out, items[i]);
  }
}

void placeholder(int index, pd_sink *out) {
  append(out, "$" + std::to_string(index));
}

// libpq returns every value, json and jsonb included, as text; the host
// parses JSON columns and expressions itself.
int json_results_are_text() {
  return 1;
}

void now(pd_sink *out) {
  append(out, "now()");
}

void json_build_object(const pd_sql_pair *pairs, size_t count, pd_sink *out) {
  append(out, "jsonb_build_object(");
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) append(out, ", ");
    append_string_literal(pairs[i].key, out);
    append(out, ", ");
    append(out, pairs[i].sql);
  }
  append(out, ")");
}

void json_aggregate(const char *expression, pd_sink *out) {
  append(out, "jsonb_agg(");
  append(out, expression);
  append(out, ")");
}

void json_extract_text(const char *expression, const char *key, pd_sink *out) {
  append(out, "(");
  append(out, expression);
  append(out, " ->> ");
  append_string_literal(key, out);
  append(out, ")");
}

// The casts let `column` be json or jsonb and `needles` an untyped parameter.
void json_has_all(const char *column, const char *needles, pd_sink *out) {
  append(out, "(");
  append(out, column);
  append(out, ")::jsonb @> CAST(");
  append(out, needles);
  append(out, " AS jsonb)");
}

void json_has_any(const char *column, const char *needles, pd_sink *out) {
  append(out, "(");
  append(out, column);
  append(out, ")::jsonb ?| ARRAY(SELECT jsonb_array_elements_text(CAST(");
  append(out, needles);
  append(out, " AS jsonb)))");
}

void json_array_elements(const char *array_expression, pd_sink *out) {
  append(out, "SELECT value FROM jsonb_array_elements_text(CAST(");
  append(out, array_expression);
  append(out, " AS jsonb))");
}

void greatest(const char *const *expressions, size_t count, pd_sink *out) {
  append(out, "GREATEST(");
  append_list(expressions, count, out);
  append(out, ")");
}

void least(const char *const *expressions, size_t count, pd_sink *out) {
  append(out, "LEAST(");
  append_list(expressions, count, out);
  append(out, ")");
}

void ilike(const char *expression, const char *pattern, pd_sink *out) {
  append(out, expression);
  append(out, " ILIKE ");
  append(out, pattern);
}

void interval_seconds(const char *interval, pd_sink *out) {
  append(out, "EXTRACT(EPOCH FROM ");
  append(out, interval);
  append(out, ")");
}

void interval_from_seconds(const char *seconds, pd_sink *out) {
  append(out, "make_interval(secs => ");
  append(out, seconds);
  append(out, ")");
}

void timestamp_add_seconds(const char *timestamp, const char *seconds, pd_sink *out) {
  append(out, "(");
  append(out, timestamp);
  append(out, " + make_interval(secs => ");
  append(out, seconds);
  append(out, "))");
}

void timestamp_diff_seconds(const char *end, const char *start, pd_sink *out) {
  append(out, "EXTRACT(EPOCH FROM (");
  append(out, end);
  append(out, " - ");
  append(out, start);
  append(out, "))");
}

// Used only when the embedded file is missing (a build without it).
constexpr std::string_view kInlineTimestampIntervals =
    "SELECT series.dt AS interval_start, series.dt + bounds.step AS interval_end "
    "FROM (SELECT CAST({start} AS timestamptz) AS start_time, CAST({end} AS timestamptz) AS end_time, "
    "make_interval(secs => CAST({interval_seconds} AS double precision)) AS step) AS bounds "
    "CROSS JOIN LATERAL generate_series(bounds.start_time, bounds.end_time, bounds.step) AS series(dt) "
    "WHERE series.dt < bounds.end_time ORDER BY series.dt LIMIT 500";

void timestamp_intervals(const char *start, const char *end, const char *interval_seconds_sql, pd_sink *out) {
  const char *file = backend::find_embedded_sql("queries/timestamp_intervals.sql");
  append(out,
         backend::fill_template(file != nullptr ? std::string_view(file) : kInlineTimestampIntervals,
                                {{"{start}", start}, {"{end}", end}, {"{interval_seconds}", interval_seconds_sql}}));
}

void upsert_clause(const char *const *targets, size_t target_count, const char *const *updates, size_t update_count,
                   const char *where, pd_sink *out) {
  append(out, " ON CONFLICT (");
  append_list(targets, target_count, out);
  append(out, ")");
  if (update_count == 0) {
    append(out, " DO NOTHING");
    return;
  }
  append(out, " DO UPDATE SET ");
  for (size_t i = 0; i < update_count; ++i) {
    if (i > 0) append(out, ", ");
    append(out, updates[i]);
    append(out, " = EXCLUDED.");
    append(out, updates[i]);
  }
  if (where != nullptr && *where != '\0') {
    append(out, " WHERE ");
    append(out, where);
  }
}

void update_from(const char *table, const pd_sql_pair *assignments, size_t count, const char *from_source,
                 const char *condition, pd_sink *out) {
  append(out, "UPDATE ");
  append(out, table);
  append(out, " SET ");
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) append(out, ", ");
    append(out, assignments[i].key);
    append(out, " = ");
    append(out, assignments[i].sql);
  }
  append(out, " FROM ");
  append(out, from_source);
  append(out, " WHERE ");
  append(out, condition);
}

void for_update(int skip_locked, pd_sink *out) {
  append(out, skip_locked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE");
}

// The exception firewall for the void members: an exception (only
// std::bad_alloc is possible) ends the append instead of crossing the ABI.
template <auto Function>
struct Shielded;
template <typename... Args, void (*Function)(Args...)>
struct Shielded<Function> {
  static void call(Args... args) noexcept {
    guarded(nullptr, [&] {
      Function(args...);
      return PD_OK;
    });
  }
};

}  // namespace

const pd_query_components &query_components_vtable() {
  static const pd_query_components vtable = {
      .struct_size = sizeof(pd_query_components),
      .xPlaceholder = Shielded<placeholder>::call,
      .xJsonResultsAreText = json_results_are_text,
      .xNow = Shielded<now>::call,
      .xJsonBuildObject = Shielded<json_build_object>::call,
      .xJsonAggregate = Shielded<json_aggregate>::call,
      .xJsonExtractText = Shielded<json_extract_text>::call,
      .xJsonHasAll = Shielded<json_has_all>::call,
      .xJsonHasAny = Shielded<json_has_any>::call,
      .xJsonArrayElements = Shielded<json_array_elements>::call,
      .xGreatest = Shielded<greatest>::call,
      .xLeast = Shielded<least>::call,
      .xIlike = Shielded<ilike>::call,
      .xIntervalSeconds = Shielded<interval_seconds>::call,
      .xIntervalFromSeconds = Shielded<interval_from_seconds>::call,
      .xTimestampAddSeconds = Shielded<timestamp_add_seconds>::call,
      .xTimestampDiffSeconds = Shielded<timestamp_diff_seconds>::call,
      .xTimestampIntervals = Shielded<timestamp_intervals>::call,
      .xUpsertClause = Shielded<upsert_clause>::call,
      .xUpdateFrom = Shielded<update_from>::call,
      .xForUpdate = Shielded<for_update>::call,
      .xQueryTemplate = backend::append_query_template,
  };
  return vtable;
}

}  // namespace prefectd::postgres
