/* sqlite-test: a third-party prefectd backend serving sqlite-test:// URLs.
 *
 * It is a dialect of its own built on the installed SQLite backend through
 * the public plugin ABI alone: it dlopens libprefectd-backend-sqlite.so from
 * the plugin directory pkg-config names, calls its prefectd_backend_entry
 * like the host does, and forwards the three vtables. What a dialect decides
 * for itself it overrides: its name, version and scheme, the URL it hands
 * on, the wording of its errors, and one QueryComponents piece (ILIKE). See
 * README.md for why it wraps rather than reimplements.
 *
 * Built by the Makefile next to it, which passes WRAPPED_BACKEND.
 */
#define _POSIX_C_SOURCE 200809L

#include <prefectd/backend.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#ifndef WRAPPED_BACKEND
#error "define WRAPPED_BACKEND as the path of libprefectd-backend-sqlite.so (the Makefile does)"
#endif

#define SQLITE_TEST_VERSION "0.1.0"

static const pd_host_services *host_services;

/* ------------------------------------------------------ the wrapped plugin */

/* Loaded on first use, not in the entry point: the ABI asks the entry to be
 * cheap and free of side effects, because the host calls it on every
 * library it finds just to read its schemes. */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const pd_backend *wrapped; /* NULL until loaded or when loading failed */
static char load_problem[PD_ERROR_MESSAGE_MAX];

static void log_message(pd_log_level level, const char *message) {
  if (host_services != NULL && host_services->xLog != NULL) host_services->xLog(host_services->host, level, message);
}

static int claims_scheme(const pd_backend *backend, const char *scheme) {
  for (const char *const *claimed = backend->schemes; claimed != NULL && *claimed != NULL; ++claimed) {
    if (strcmp(*claimed, scheme) == 0) return 1;
  }
  return 0;
}

static void load_wrapped(void) {
  /* RTLD_LOCAL, as the host loads plugins: the SQLite client symbols stay
   * inside it. The library stays loaded for the life of the process: the
   * ABI has no unload hook, and handles it made may be alive until exit. */
  void *library = dlopen(WRAPPED_BACKEND, RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    const char *reason = dlerror();
    snprintf(load_problem, sizeof load_problem,
             "cannot load the SQLite backend %s: %s; install prefectd-backend-sqlite", WRAPPED_BACKEND,
             reason != NULL ? reason : "unknown dlopen error");
    return;
  }
  void *symbol = dlsym(library, PD_BACKEND_ENTRY_SYMBOL);
  pd_backend_entry_fn entry = NULL;
  /* ISO C has no object-to-function pointer cast; POSIX guarantees the copy. */
  if (symbol != NULL) memcpy(&entry, &symbol, sizeof entry);
  const pd_backend *descriptor = entry != NULL ? entry(host_services) : NULL;
  if (descriptor == NULL || descriptor->abi_major != PD_ABI_VERSION_MAJOR ||
      !PD_HAS_MEMBER(descriptor, pd_backend, orm) || descriptor->configuration == NULL ||
      descriptor->query_components == NULL || descriptor->orm == NULL || !claims_scheme(descriptor, "sqlite")) {
    snprintf(load_problem, sizeof load_problem,
             "%s is not a usable SQLite backend of plugin ABI %d; reinstall prefectd-backend-sqlite", WRAPPED_BACKEND,
             PD_ABI_VERSION_MAJOR);
    return;
  }
  wrapped = descriptor;
}

static const pd_backend *wrapped_backend(void) {
  pthread_once(&load_once, load_wrapped);
  return wrapped;
}

/* Handles exist only after a successful xOpen, so the wrapped plugin is
 * loaded whenever one of these is called with a handle. */
static const pd_configuration *inner(void) {
  return wrapped_backend()->configuration;
}

static pd_status fail(pd_error *error, pd_status status, const char *message) {
  if (error != NULL) {
    error->status = status;
    error->native_code[0] = '\0';
    snprintf(error->message, sizeof error->message, "%s", message);
  }
  return status;
}

/* Errors about the URL come back from the SQLite backend in its words
 * ("a sqlite URL ..."); say which dialect the operator asked for. */
static pd_status as_own_error(pd_status status, pd_error *error) {
  static const char prefix[] = "sqlite-test: ";
  if (status != PD_OK && error != NULL) {
    size_t kept = strnlen(error->message, sizeof error->message - 1);
    if (kept > sizeof error->message - sizeof prefix) kept = sizeof error->message - sizeof prefix;
    memmove(error->message + sizeof prefix - 1, error->message, kept);
    memcpy(error->message, prefix, sizeof prefix - 1);
    error->message[sizeof prefix - 1 + kept] = '\0';
  }
  return status;
}

/* The URL the SQLite backend is given: the same file, under its scheme. */
static pd_status translate_url(const pd_database_url *url, pd_database_url *translated, pd_error *error) {
  if (url->driver != NULL)
    return fail(error, PD_INVALID, "sqlite-test URLs take no +driver: write sqlite-test:///path");
  memset(translated, 0, sizeof *translated);
  /* A newer host may send a longer struct; pass on the members we know. */
  const size_t known = url->struct_size < sizeof *translated ? url->struct_size : sizeof *translated;
  memcpy(translated, url, known);
  translated->struct_size = known;
  translated->scheme = "sqlite";
  return PD_OK;
}

/* ---------------------------------------------------------- Configuration */

static pd_status test_open(const pd_database_url *url, pd_database **database, pd_error *error) {
  *database = NULL;
  if (wrapped_backend() == NULL) return fail(error, PD_UNAVAILABLE, load_problem);
  pd_database_url translated;
  pd_status status = translate_url(url, &translated, error);
  if (status != PD_OK) return status;
  char message[PD_ERROR_MESSAGE_MAX + 64];
  snprintf(message, sizeof message, "sqlite-test %s stores %s through %s", SQLITE_TEST_VERSION,
           url->redacted != NULL ? url->redacted : "its database", WRAPPED_BACKEND);
  log_message(PD_LOG_INFO, message);
  return as_own_error(inner()->xOpen(&translated, database, error), error);
}

static pd_status test_create_database(const pd_database_url *url, pd_error *error) {
  if (wrapped_backend() == NULL) return fail(error, PD_UNAVAILABLE, load_problem);
  if (inner()->xCreateDatabase == NULL) return fail(error, PD_NOT_SUPPORTED, "sqlite-test cannot create databases");
  pd_database_url translated;
  pd_status status = translate_url(url, &translated, error);
  return status != PD_OK ? status : as_own_error(inner()->xCreateDatabase(&translated, error), error);
}

static pd_status test_drop_database(const pd_database_url *url, pd_error *error) {
  if (wrapped_backend() == NULL) return fail(error, PD_UNAVAILABLE, load_problem);
  if (inner()->xDropDatabase == NULL) return fail(error, PD_NOT_SUPPORTED, "sqlite-test cannot drop databases");
  pd_database_url translated;
  pd_status status = translate_url(url, &translated, error);
  return status != PD_OK ? status : as_own_error(inner()->xDropDatabase(&translated, error), error);
}

static void test_close(pd_database *database) {
  inner()->xClose(database);
}
static int test_is_in_memory(pd_database *database) {
  return inner()->xIsInMemory(database);
}
static pd_status test_ping(pd_database *database, pd_error *error) {
  return inner()->xPing(database, error);
}
static pd_status test_pool_stats(pd_database *database, pd_pool_stats *stats) {
  return inner()->xPoolStats(database, stats);
}
static pd_status test_acquire(pd_database *database, pd_session **session, pd_error *error) {
  return inner()->xAcquire(database, session, error);
}
static void test_release(pd_session *session) {
  inner()->xRelease(session);
}
static pd_status test_begin(pd_session *session, pd_transaction_mode mode, pd_error *error) {
  return inner()->xBegin(session, mode, error);
}
static pd_status test_commit(pd_session *session, pd_error *error) {
  return inner()->xCommit(session, error);
}
static pd_status test_rollback(pd_session *session, pd_error *error) {
  return inner()->xRollback(session, error);
}
static pd_status test_execute(pd_session *session, const char *sql, pd_error *error) {
  return inner()->xExecute(session, sql, error);
}
static pd_status test_prepare(pd_session *session, const char *sql, size_t size, pd_statement **statement,
                              pd_error *error) {
  return inner()->xPrepare(session, sql, size, statement, error);
}
static void test_finalize(pd_statement *statement) {
  inner()->xFinalize(statement);
}
static pd_status test_bind(pd_statement *statement, int index, const pd_value *value, pd_error *error) {
  return inner()->xBind(statement, index, value, error);
}
static pd_status test_step(pd_statement *statement, pd_error *error) {
  return inner()->xStep(statement, error);
}
static pd_status test_reset(pd_statement *statement, pd_error *error) {
  return inner()->xReset(statement, error);
}
static int test_column_count(pd_statement *statement) {
  return inner()->xColumnCount(statement);
}
static const char *test_column_name(pd_statement *statement, int column) {
  return inner()->xColumnName(statement, column);
}
static pd_status test_column(pd_statement *statement, int column, pd_type type, pd_value *value, pd_error *error) {
  return inner()->xColumn(statement, column, type, value, error);
}
static int64_t test_rows_affected(pd_statement *statement) {
  return inner()->xRowsAffected(statement);
}

static const pd_configuration configuration = {
    .struct_size = sizeof(pd_configuration),
    .xOpen = test_open,
    .xClose = test_close,
    .xIsInMemory = test_is_in_memory,
    .xPing = test_ping,
    .xPoolStats = test_pool_stats,
    .xCreateDatabase = test_create_database,
    .xDropDatabase = test_drop_database,
    .xAcquire = test_acquire,
    .xRelease = test_release,
    .xBegin = test_begin,
    .xCommit = test_commit,
    .xRollback = test_rollback,
    .xExecute = test_execute,
    .xPrepare = test_prepare,
    .xFinalize = test_finalize,
    .xBind = test_bind,
    .xStep = test_step,
    .xReset = test_reset,
    .xColumnCount = test_column_count,
    .xColumnName = test_column_name,
    .xColumn = test_column,
    .xRowsAffected = test_rows_affected,
};

/* -------------------------------------------------------- QueryComponents */

/* The host may build queries before it opens the database, so these load
 * the wrapped plugin themselves. When loading failed they append nothing:
 * xOpen then fails with the reason before any query runs. */
static const pd_query_components *components(void) {
  const pd_backend *backend = wrapped_backend();
  return backend != NULL ? backend->query_components : NULL;
}

static void test_placeholder(int index, pd_sink *out) {
  if (components() != NULL) components()->xPlaceholder(index, out);
}
static int test_json_results_are_text(void) {
  return components() != NULL ? components()->xJsonResultsAreText() : 1;
}
static void test_now(pd_sink *out) {
  if (components() != NULL) components()->xNow(out);
}
static void test_json_build_object(const pd_sql_pair *pairs, size_t count, pd_sink *out) {
  if (components() != NULL) components()->xJsonBuildObject(pairs, count, out);
}
static void test_json_aggregate(const char *expression, pd_sink *out) {
  if (components() != NULL) components()->xJsonAggregate(expression, out);
}
static void test_json_extract_text(const char *expression, const char *key, pd_sink *out) {
  if (components() != NULL) components()->xJsonExtractText(expression, key, out);
}
static void test_json_has_all(const char *column, const char *needles, pd_sink *out) {
  if (components() != NULL) components()->xJsonHasAll(column, needles, out);
}
static void test_json_has_any(const char *column, const char *needles, pd_sink *out) {
  if (components() != NULL) components()->xJsonHasAny(column, needles, out);
}
static void test_json_array_elements(const char *array_expression, pd_sink *out) {
  if (components() != NULL) components()->xJsonArrayElements(array_expression, out);
}
static void test_greatest(const char *const *expressions, size_t count, pd_sink *out) {
  if (components() != NULL) components()->xGreatest(expressions, count, out);
}
static void test_least(const char *const *expressions, size_t count, pd_sink *out) {
  if (components() != NULL) components()->xLeast(expressions, count, out);
}
static void test_interval_seconds(const char *interval, pd_sink *out) {
  if (components() != NULL) components()->xIntervalSeconds(interval, out);
}
static void test_interval_from_seconds(const char *seconds, pd_sink *out) {
  if (components() != NULL) components()->xIntervalFromSeconds(seconds, out);
}
static void test_timestamp_add_seconds(const char *timestamp, const char *seconds, pd_sink *out) {
  if (components() != NULL) components()->xTimestampAddSeconds(timestamp, seconds, out);
}
static void test_timestamp_diff_seconds(const char *end, const char *start, pd_sink *out) {
  if (components() != NULL) components()->xTimestampDiffSeconds(end, start, out);
}
static void test_timestamp_intervals(const char *start, const char *end, const char *interval_seconds, pd_sink *out) {
  if (components() != NULL) components()->xTimestampIntervals(start, end, interval_seconds, out);
}
static void test_upsert_clause(const char *const *targets, size_t target_count, const char *const *updates,
                               size_t update_count, const char *where, pd_sink *out) {
  if (components() != NULL) components()->xUpsertClause(targets, target_count, updates, update_count, where, out);
}
static void test_update_from(const char *table, const pd_sql_pair *assignments, size_t count, const char *from_source,
                             const char *condition, pd_sink *out) {
  if (components() != NULL) components()->xUpdateFrom(table, assignments, count, from_source, condition, out);
}
static void test_for_update(int skip_locked, pd_sink *out) {
  if (components() != NULL) components()->xForUpdate(skip_locked, out);
}
static pd_status test_query_template(pd_query_template query, pd_sink *out) {
  return components() != NULL ? components()->xQueryTemplate(query, out) : PD_NOT_SUPPORTED;
}

static void append(pd_sink *out, const char *text) {
  out->xAppend(out->context, text, strlen(text));
}

/* The dialect's own piece: SQLite's LIKE is already case-insensitive for
 * ASCII (the only case folding lower() does without ICU either), so the
 * sqlite-test dialect spells ILIKE without the two lower() calls. It says so
 * once in the host's log, which is how the packaging test sees that the host
 * composed its SQL from this plugin's QueryComponents. */
static void test_ilike(const char *expression, const char *pattern, pd_sink *out) {
  static atomic_flag announced = ATOMIC_FLAG_INIT;
  if (!atomic_flag_test_and_set(&announced)) log_message(PD_LOG_INFO, "sqlite-test dialect: ILIKE spelled as LIKE");
  append(out, "(");
  append(out, expression);
  append(out, " LIKE ");
  append(out, pattern);
  append(out, ")");
}

static const pd_query_components query_components = {
    .struct_size = sizeof(pd_query_components),
    .xPlaceholder = test_placeholder,
    .xJsonResultsAreText = test_json_results_are_text,
    .xNow = test_now,
    .xJsonBuildObject = test_json_build_object,
    .xJsonAggregate = test_json_aggregate,
    .xJsonExtractText = test_json_extract_text,
    .xJsonHasAll = test_json_has_all,
    .xJsonHasAny = test_json_has_any,
    .xJsonArrayElements = test_json_array_elements,
    .xGreatest = test_greatest,
    .xLeast = test_least,
    .xIlike = test_ilike,
    .xIntervalSeconds = test_interval_seconds,
    .xIntervalFromSeconds = test_interval_from_seconds,
    .xTimestampAddSeconds = test_timestamp_add_seconds,
    .xTimestampDiffSeconds = test_timestamp_diff_seconds,
    .xTimestampIntervals = test_timestamp_intervals,
    .xUpsertClause = test_upsert_clause,
    .xUpdateFrom = test_update_from,
    .xForUpdate = test_for_update,
    .xQueryTemplate = test_query_template,
};

/* -------------------------------------------------------------------- ORM */

/* The schema is SQLite's, migrations and alembic revisions included, so a
 * sqlite-test database file is also a valid sqlite:// one. */
static const pd_orm *inner_orm(void) {
  const pd_backend *backend = wrapped_backend();
  return backend != NULL ? backend->orm : NULL;
}

static size_t test_migration_count(void) {
  return inner_orm() != NULL ? inner_orm()->xMigrationCount() : 0;
}
static pd_status test_migration(size_t index, pd_migration *migration) {
  return inner_orm() != NULL ? inner_orm()->xMigration(index, migration) : PD_UNAVAILABLE;
}
static const char *const *test_upsert_columns(const char *model) {
  return inner_orm() != NULL ? inner_orm()->xUpsertColumns(model) : NULL;
}
static pd_status test_describe_schema(pd_session *session, pd_sink *out, pd_error *error) {
  if (inner_orm()->xDescribeSchema == NULL)
    return fail(error, PD_NOT_SUPPORTED, "sqlite-test cannot describe its schema");
  return inner_orm()->xDescribeSchema(session, out, error);
}

static const pd_orm orm = {
    .struct_size = sizeof(pd_orm),
    .xMigrationCount = test_migration_count,
    .xMigration = test_migration,
    .xUpsertColumns = test_upsert_columns,
    .xDescribeSchema = test_describe_schema,
};

/* ------------------------------------------------------------- descriptor */

static const char *const schemes[] = {"sqlite-test", NULL};

static const pd_backend descriptor = {
    .struct_size = sizeof(pd_backend),
    .abi_major = PD_ABI_VERSION_MAJOR,
    .abi_minor = PD_ABI_VERSION_MINOR,
    .name = "sqlite-test",
    .version = SQLITE_TEST_VERSION,
    .schemes = schemes,
    .configuration = &configuration,
    .query_components = &query_components,
    .orm = &orm,
};

PD_EXPORT const pd_backend *prefectd_backend_entry(const pd_host_services *host) {
  host_services = host;
  return &descriptor;
}
