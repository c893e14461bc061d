/*
 * prefectd database backend ABI.
 *
 * This header is the whole contract between the prefectd host and a database
 * backend plugin. A plugin includes it and nothing else of prefectd, links
 * against its own database client library, and exports one symbol:
 *
 *     const pd_backend *prefectd_backend_entry(const pd_host_services *host);
 *
 * The design follows SQLite's sqlite3_module and DuckDB's extension API:
 *
 *   - VERSION FIRST. Every struct that crosses the boundary starts with a
 *     `struct_size` member. Later minor versions only ever APPEND members; a
 *     reader checks `struct_size` (PD_HAS_MEMBER) before touching a member
 *     newer than the minor it was built for. A major bump may change anything
 *     except the frozen prefix of pd_backend (struct_size through schemes),
 *     which the host reads to report a mismatch by name.
 *
 *   - STATUS CODES. Every fallible function returns a pd_status and, when the
 *     status is not PD_OK/PD_ROW/PD_DONE, fills the caller-owned pd_error it
 *     was given (the pointer may be NULL when the caller does not want text).
 *     No C++ exception ever leaves a plugin function: a plugin written in C++
 *     catches everything at its boundary and reports PD_ERROR.
 *
 *   - MEMORY. Whoever allocates frees. Handles (pd_database, pd_session,
 *     pd_statement) are opaque, created by the plugin and released only via
 *     the matching close/release/finalize function. Strings handed to the
 *     plugin are borrowed for the duration of the call unless stated
 *     otherwise. Strings and blobs handed back by a column read are owned by
 *     the statement and stay valid until the next step, reset or finalize on
 *     that statement. SQL produced by QueryComponents is appended to a
 *     caller-owned pd_sink, so no buffer changes hands.
 *
 *   - THREADS. pd_database functions are safe to call from any thread
 *     concurrently. A pd_session (and every statement prepared on it) is used
 *     by one thread at a time; it may move between threads between calls.
 *     QueryComponents and ORM functions are pure and thread-safe.
 *
 *   - OPTIONAL MEMBERS. A function pointer documented as optional may be
 *     NULL; the host then falls back or refuses the feature with a clear
 *     message (capabilities by presence, as in PostgreSQL's FdwRoutine).
 */
#ifndef PREFECTD_BACKEND_H
#define PREFECTD_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- version */

#define PD_ABI_VERSION_MAJOR 1
#define PD_ABI_VERSION_MINOR 1

/* The symbol every backend library exports. */
#define PD_BACKEND_ENTRY_SYMBOL "prefectd_backend_entry"

/* True when a struct received from the other side is new enough to contain
 * `member`, judged by its leading struct_size. */
#define PD_HAS_MEMBER(ptr, type, member) \
  ((ptr)->struct_size >= offsetof(type, member) + sizeof(((type *)0)->member))

#if defined(__GNUC__)
#define PD_EXPORT __attribute__((visibility("default")))
#else
#define PD_EXPORT
#endif

/* ----------------------------------------------------------- status codes */

typedef enum pd_status {
  PD_OK = 0,
  PD_ERROR = 1,          /* anything not covered below                       */
  PD_MISUSE = 2,         /* API used against its contract (a host bug)       */
  PD_NOMEM = 3,
  PD_BUSY = 4,           /* retryable: database locked, pool timeout (→ 503) */
  PD_UNAVAILABLE = 5,    /* retryable: cannot connect, connection lost       */
  PD_TIMEOUT = 6,        /* statement timed out or was cancelled             */
  PD_CONSTRAINT = 7,     /* unique, foreign key, not null or check violation */
  PD_NOT_SUPPORTED = 8,  /* the backend does not offer this                  */
  PD_INVALID = 9,        /* bad input: malformed URL, unknown model, ...     */
  PD_ROW = 100,          /* pd_statement step: a row is ready                */
  PD_DONE = 101          /* pd_statement step: no more rows                  */
} pd_status;

#define PD_ERROR_MESSAGE_MAX 512

/* Caller-owned error record. The plugin writes a NUL-terminated, single-line
 * message that never contains a password. */
typedef struct pd_error {
  pd_status status;
  /* The database's own code where it has one (SQLSTATE for PostgreSQL,
   * extended result code for SQLite), else empty. */
  char native_code[8];
  char message[PD_ERROR_MESSAGE_MAX];
} pd_error;

/* --------------------------------------------------------- host services */

typedef enum pd_log_level {
  PD_LOG_TRACE = 0,
  PD_LOG_DEBUG = 1,
  PD_LOG_INFO = 2,
  PD_LOG_WARNING = 3,
  PD_LOG_ERROR = 4,
  PD_LOG_CRITICAL = 5
} pd_log_level;

/* Services the host lends to a plugin (as SQLite lends sqlite3_api_routines
 * to an extension), so a plugin never reimplements settings resolution or
 * logging. The struct and everything it points to outlive the plugin. Every
 * function is thread-safe. */
typedef struct pd_host_services {
  size_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  void *host;

  /* Writes one message into the host's log; filtered by the host's level. */
  void (*xLog)(void *host, pd_log_level level, const char *message);
  /* Non-zero when a message at `level` would be written; lets a plugin skip
   * building expensive messages. */
  int (*xLogEnabled)(void *host, pd_log_level level);
  /* The effective value of a setting by canonical name (for example
   * "PREFECT_SERVER_DATABASE_TIMEOUT"), with aliases, files and defaults
   * already applied. NULL when unset with no default. The string is owned by
   * the host and valid for the life of the process. */
  const char *(*xSetting)(void *host, const char *canonical_name);
} pd_host_services;

/* ---------------------------------------------------------------- values */

typedef enum pd_type {
  PD_TYPE_NULL = 0,
  PD_TYPE_INT64 = 1,
  PD_TYPE_DOUBLE = 2,
  PD_TYPE_TEXT = 3,
  PD_TYPE_BLOB = 4,
  PD_TYPE_BOOL = 5,
  PD_TYPE_UUID = 6,      /* 16 bytes, RFC 4122 byte order                     */
  PD_TYPE_TIMESTAMP = 7, /* microseconds since 1970-01-01T00:00:00Z (UTC)     */
  PD_TYPE_JSON = 8,      /* UTF-8 JSON document text                          */
  PD_TYPE_INTERVAL = 9   /* a duration in microseconds                        */
} pd_type;

/* A typed value. For TEXT, JSON and BLOB `bytes` points at `size` bytes that
 * are not necessarily NUL-terminated. */
typedef struct pd_value {
  pd_type type;
  union {
    int64_t int64;        /* INT64; TIMESTAMP and INTERVAL in microseconds */
    double real;          /* DOUBLE                                        */
    int boolean;          /* BOOL: 0 or 1                                  */
    uint8_t uuid[16];     /* UUID                                          */
    struct {
      const char *bytes;
      size_t size;
    } data;               /* TEXT, JSON, BLOB                              */
  } as;
} pd_value;

/* A growable output owned by the caller: the plugin appends SQL to it. */
typedef struct pd_sink {
  void *context;
  void (*xAppend)(void *context, const char *text, size_t size);
} pd_sink;

/* ------------------------------------------------------------ parsed URL */

typedef struct pd_url_option {
  const char *key;
  const char *value;
} pd_url_option;

/* A connection URL as parsed by the host, every string percent-decoded.
 * Fields the URL did not carry are NULL (strings) or 0 (port). */
typedef struct pd_database_url {
  size_t struct_size;
  const char *scheme;   /* "sqlite", "postgresql", ...                       */
  const char *driver;   /* "aiosqlite", "asyncpg", ... or NULL               */
  const char *username;
  const char *password;
  const char *host;
  int port;
  /* PostgreSQL: the database name. SQLite: the file path, ":memory:" or a
   * "file:" URI, exactly as written after the third slash. */
  const char *database;
  const pd_url_option *options; /* the query string, in order */
  size_t option_count;
  /* The URL with the password replaced by "***", safe to log. */
  const char *redacted;
} pd_database_url;

/* ------------------------------------------------------- Configuration */

typedef struct pd_database pd_database;   /* an opened database and its pool */
typedef struct pd_session pd_session;     /* one checked-out connection      */
typedef struct pd_statement pd_statement; /* a prepared statement            */

typedef enum pd_transaction_mode {
  /* Reads. SQLite: BEGIN DEFERRED. PostgreSQL: BEGIN (READ COMMITTED). */
  PD_TRANSACTION_READ = 0,
  /* Writes that must hold the write lock from the start (Prefect's
   * with_for_update). SQLite: BEGIN IMMEDIATE. PostgreSQL: BEGIN; the host
   * takes row locks with QueryComponents.xForUpdate.
   * A write transaction sees the work of every write transaction that
   * came before it, even work whose commit has not returned yet (a backend
   * may commit several writers' work together, as the SQLite one does); its
   * xCommit returns only once all the work it saw is durable. A read
   * transaction sees only work whose commit has returned. */
  PD_TRANSACTION_WRITE = 1
} pd_transaction_mode;

typedef struct pd_pool_stats {
  size_t struct_size;
  int64_t size;        /* configured steady size                       */
  int64_t max_overflow;
  int64_t open;        /* connections currently open                   */
  int64_t in_use;      /* checked out                                  */
  int64_t idle;
  int64_t waiting;     /* callers blocked waiting for a connection     */
  int64_t reconnects;  /* connections replaced after failing pre-ping  */
} pd_pool_stats;

/* Connections, pool, sessions, transactions and statements. */
typedef struct pd_configuration {
  size_t struct_size;

  /* Opens the database named by `url`: validates the URL, reads settings
   * through the host services, builds the pool. Does not need the database
   * to be reachable yet (a PostgreSQL server may start later). */
  pd_status (*xOpen)(const pd_database_url *url, pd_database **database,
                     pd_error *error);
  /* Closes every pooled connection. Sessions must all be released first. */
  void (*xClose)(pd_database *database);

  /* Non-zero when the data lives only in this process's memory. */
  int (*xIsInMemory)(pd_database *database);
  /* Checks that a connection can be made and answers within the connection
   * timeout. PD_UNAVAILABLE when it cannot. */
  pd_status (*xPing)(pd_database *database, pd_error *error);
  pd_status (*xPoolStats)(pd_database *database, pd_pool_stats *stats);

  /* Optional. Create or drop the database itself (PostgreSQL CREATE
   * DATABASE; SQLite creates or deletes the file). */
  pd_status (*xCreateDatabase)(const pd_database_url *url, pd_error *error);
  pd_status (*xDropDatabase)(const pd_database_url *url, pd_error *error);

  /* Checks a connection out of the pool, waiting up to the pool timeout
   * (PD_BUSY when it expires). The connection is pre-pinged and replaced
   * when dead. */
  pd_status (*xAcquire)(pd_database *database, pd_session **session,
                        pd_error *error);
  /* Returns a connection to the pool, rolling back any open transaction.
   * Statements prepared on the session must be finalized first. */
  void (*xRelease)(pd_session *session);

  pd_status (*xBegin)(pd_session *session, pd_transaction_mode mode,
                      pd_error *error);
  pd_status (*xCommit)(pd_session *session, pd_error *error);
  pd_status (*xRollback)(pd_session *session, pd_error *error);

  /* Runs a script of one or more statements without parameters (DDL,
   * migrations). Runs inside the current transaction when one is open. */
  pd_status (*xExecute)(pd_session *session, const char *sql,
                        pd_error *error);

  /* Prepares one statement. Placeholders follow QueryComponents
   * xPlaceholder. */
  pd_status (*xPrepare)(pd_session *session, const char *sql, size_t size,
                        pd_statement **statement, pd_error *error);
  void (*xFinalize)(pd_statement *statement);
  /* Binds parameter `index` (1-based). The value is copied. */
  pd_status (*xBind)(pd_statement *statement, int index, const pd_value *value,
                     pd_error *error);
  /* Executes on first call; PD_ROW while rows remain, then PD_DONE. */
  pd_status (*xStep)(pd_statement *statement, pd_error *error);
  /* Makes the statement runnable again; bindings are kept. */
  pd_status (*xReset)(pd_statement *statement, pd_error *error);
  int (*xColumnCount)(pd_statement *statement);
  /* Owned by the statement, valid until finalize. */
  const char *(*xColumnName)(pd_statement *statement, int column);
  /* Reads column `column` (0-based) of the current row converted to `type`;
   * a SQL NULL yields PD_TYPE_NULL whatever was asked. PD_INVALID when the
   * stored value cannot be converted. */
  pd_status (*xColumn)(pd_statement *statement, int column, pd_type type,
                       pd_value *value, pd_error *error);
  /* Rows inserted, updated or deleted by the last completed step. */
  int64_t (*xRowsAffected)(pd_statement *statement);

  /* Since 1.1; optional. How many write transactions the database lets make
   * progress at once: 1 where it admits a single writer (SQLite), 0 where it
   * sets no limit of its own. The host sizes the number of requests doing
   * database work at once by it (requests beyond the cores would only take
   * CPU time from the one writer). NULL or absent counts as 0. */
  int (*xWriterLimit)(pd_database *database);
} pd_configuration;

/* ---------------------------------------------------- QueryComponents */

typedef struct pd_sql_pair {
  const char *key;  /* a plain identifier, emitted as a string literal */
  const char *sql;  /* an SQL expression                               */
} pd_sql_pair;

/* Named, dialect-owned query templates (see sql/<dialect>/queries/). */
typedef enum pd_query_template {
  /* Worker polling across work pools (database.md §5). Parameters, in
   * placeholder order: 1 work pool ids (JSON array of UUID strings),
   * 2 work queue ids (JSON array, or NULL for every queue of the pools),
   * 3 scheduled_before (TIMESTAMP or NULL), 4 scheduled_after (TIMESTAMP or
   * NULL), 5 limit, 6 per-queue limit, 7 per-pool limit (INT64),
   * 8 respect_queue_priorities (BOOL). Columns: run_work_pool_id,
   * run_work_queue_id, then every flow_run column. */
  PD_QUERY_SCHEDULED_FLOW_RUNS_FROM_WORK_POOLS = 1,
  /* Legacy per-work-queue polling matched by queue name. Parameters:
   * 1 work queue ids (JSON array of UUID strings), 2 scheduled_before
   * (TIMESTAMP or NULL), 3 limit (INT64 or NULL). Columns: wq_id, then
   * every flow_run column. */
  PD_QUERY_SCHEDULED_FLOW_RUNS_FROM_WORK_QUEUES = 2
} pd_query_template;

/* The dialect pieces of SQL, mirroring Prefect's BaseQueryComponents. Every
 * function appends to `out` and is pure. Expressions passed in are SQL text
 * built by the host from trusted fragments and placeholders, never user
 * input. */
typedef struct pd_query_components {
  size_t struct_size;

  /* The placeholder for parameter `index` (1-based): "?1" or "$1". */
  void (*xPlaceholder)(int index, pd_sink *out);
  /* Non-zero when JSON columns and JSON expressions come back as text that
   * needs parsing (SQLite), zero when the driver hands out JSON values. */
  int (*xJsonResultsAreText)(void);

  /* Current time as a timestamp expression. */
  void (*xNow)(pd_sink *out);
  /* A JSON object from key/expression pairs. */
  void (*xJsonBuildObject)(const pd_sql_pair *pairs, size_t count,
                           pd_sink *out);
  /* Aggregate of `expression` over the group into a JSON array ('[]' when
   * the group is empty is the caller's concern: use COALESCE). */
  void (*xJsonAggregate)(const char *expression, pd_sink *out);
  /* The text at `key` of the JSON object `expression`, as text. */
  void (*xJsonExtractText)(const char *expression, const char *key,
                           pd_sink *out);
  /* Boolean: the JSON array `column` contains every / any string of the JSON
   * array `needles` (an expression, normally a placeholder bound to JSON). */
  void (*xJsonHasAll)(const char *column, const char *needles, pd_sink *out);
  void (*xJsonHasAny)(const char *column, const char *needles, pd_sink *out);
  /* A set of rows with the single column `value`, one per element of the
   * JSON array `array_expression` (used for `IN (...)` over a bound list). */
  void (*xJsonArrayElements)(const char *array_expression, pd_sink *out);

  /* GREATEST/LEAST. NULL arguments differ by dialect as in Prefect
   * (PostgreSQL skips them, SQLite yields NULL): COALESCE where it matters. */
  void (*xGreatest)(const char *const *expressions, size_t count,
                    pd_sink *out);
  void (*xLeast)(const char *const *expressions, size_t count, pd_sink *out);
  /* Case-insensitive LIKE. */
  void (*xIlike)(const char *expression, const char *pattern, pd_sink *out);

  /* Seconds (DOUBLE) in the interval expression. */
  void (*xIntervalSeconds)(const char *interval, pd_sink *out);
  /* An interval expression of `seconds` (a numeric expression). */
  void (*xIntervalFromSeconds)(const char *seconds, pd_sink *out);
  /* `timestamp` plus `seconds` (numeric), as a timestamp expression. */
  void (*xTimestampAddSeconds)(const char *timestamp, const char *seconds,
                               pd_sink *out);
  /* Seconds (DOUBLE) from `start` to `end`, both timestamp expressions. */
  void (*xTimestampDiffSeconds)(const char *end, const char *start,
                                pd_sink *out);

  /* A complete SELECT yielding rows (interval_start, interval_end) from
   * `start` up to `end` every `interval_seconds`, at most 500 rows on SQLite
   * (Prefect's make_timestamp_intervals). */
  void (*xTimestampIntervals)(const char *start, const char *end,
                              const char *interval_seconds, pd_sink *out);

  /* The clause that follows an INSERT's VALUES: ON CONFLICT (targets) DO
   * NOTHING when update_count is 0, else DO UPDATE SET col = excluded.col
   * for each update column; `where` (may be NULL) guards the update. */
  void (*xUpsertClause)(const char *const *targets, size_t target_count,
                        const char *const *updates, size_t update_count,
                        const char *where, pd_sink *out);

  /* UPDATE `table` SET each assignment's column to its expression taken
   * from `from_source` (a table or subquery with alias) joined on
   * `condition`. PostgreSQL: UPDATE ... FROM; SQLite: correlated
   * subqueries plus EXISTS, which works on every SQLite since 3.24. */
  void (*xUpdateFrom)(const char *table, const pd_sql_pair *assignments,
                      size_t count, const char *from_source,
                      const char *condition, pd_sink *out);

  /* Row-lock clause appended to a SELECT: " FOR UPDATE [SKIP LOCKED]" on
   * PostgreSQL, nothing on SQLite (whose write transaction already holds
   * the database lock). */
  void (*xForUpdate)(int skip_locked, pd_sink *out);

  /* Appends a named template. PD_NOT_SUPPORTED when the dialect has none. */
  pd_status (*xQueryTemplate)(pd_query_template query, pd_sink *out);
} pd_query_components;

/* ------------------------------------------------------------------ ORM */

typedef struct pd_migration {
  size_t struct_size;
  /* The revision id written to alembic_version.version_num. The first
   * migration of a dialect carries Prefect's own head revision for the
   * schema it creates, so a database made by Python Prefect and one made by
   * prefectd are recognised by both. */
  const char *revision;
  const char *name;
  const char *up_sql;
  const char *down_sql;
} pd_migration;

typedef struct pd_orm {
  size_t struct_size;
  /* Migrations in the order they apply. Strings are static. */
  size_t (*xMigrationCount)(void);
  pd_status (*xMigration)(size_t index, pd_migration *migration);
  /* The unique columns an upsert of `model` (a table name such as
   * "flow_run") conflicts on: a NULL-terminated static array, or NULL for a
   * model without an upsert key. */
  const char *const *(*xUpsertColumns)(const char *model);
  /* Optional. Appends a canonical, deterministic description of the current
   * schema (tables, columns, types, defaults, constraints, indexes) so two
   * databases can be compared. */
  pd_status (*xDescribeSchema)(pd_session *session, pd_sink *out,
                               pd_error *error);
} pd_orm;

/* ----------------------------------------------------------- descriptor */

typedef struct pd_backend {
  /* Frozen prefix: identical in every ABI major. */
  size_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  const char *name;          /* "sqlite"                                  */
  const char *version;       /* the plugin's own version                  */
  const char *const *schemes; /* NULL-terminated URL schemes it claims    */
  /* End of the frozen prefix. */

  const pd_configuration *configuration;
  const pd_query_components *query_components;
  const pd_orm *orm;
} pd_backend;

/* The entry point. Called once per load; must be cheap and free of side
 * effects beyond remembering `host`, because the host calls it on every
 * candidate library to read its schemes. Returns a static descriptor. */
typedef const pd_backend *(*pd_backend_entry_fn)(const pd_host_services *host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PREFECTD_BACKEND_H */
