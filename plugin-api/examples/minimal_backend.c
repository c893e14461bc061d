/* The skeleton of a prefectd backend plugin: it loads, names itself, claims
 * the scheme "example", and refuses to open a database with a clear error.
 * Every member a real backend must fill is listed; see SDK.md.
 *
 *   cc -shared -fPIC $(pkg-config --cflags prefectd-plugin) minimal_backend.c \
 *      -o libprefectd-backend-example.so
 */
#include <prefectd/backend.h>

#include <stdio.h>
#include <string.h>

static const pd_host_services *host_services;

static pd_status refuse(pd_error *error, const char *message) {
  if (error != NULL) {
    error->status = PD_NOT_SUPPORTED;
    error->native_code[0] = '\0';
    snprintf(error->message, sizeof error->message, "%s", message);
  }
  return PD_NOT_SUPPORTED;
}

static pd_status example_open(const pd_database_url *url, pd_database **database, pd_error *error) {
  (void)url;
  *database = NULL;
  if (host_services != NULL && host_services->xLog != NULL) {
    host_services->xLog(host_services->host, PD_LOG_INFO, "example backend asked to open a database");
  }
  return refuse(error, "the example backend stores nothing; it only shows the plugin structure");
}

static void example_close(pd_database *database) { (void)database; }

static const pd_configuration configuration = {
    .struct_size = sizeof(pd_configuration),
    .xOpen = example_open,
    .xClose = example_close,
    /* A real backend fills every remaining member: xIsInMemory, xPing,
     * xPoolStats, xAcquire, xRelease, xBegin, xCommit, xRollback, xExecute,
     * xPrepare, xFinalize, xBind, xStep, xReset, xColumnCount, xColumnName,
     * xColumn, xRowsAffected (xCreateDatabase/xDropDatabase are optional). */
};

static const pd_query_components query_components = {.struct_size = sizeof(pd_query_components)};

static size_t no_migrations(void) { return 0; }

static const pd_orm orm = {.struct_size = sizeof(pd_orm), .xMigrationCount = no_migrations};

static const char *const schemes[] = {"example", NULL};

static const pd_backend descriptor = {
    .struct_size = sizeof(pd_backend),
    .abi_major = PD_ABI_VERSION_MAJOR,
    .abi_minor = PD_ABI_VERSION_MINOR,
    .name = "example",
    .version = "0.1.0",
    .schemes = schemes,
    .configuration = &configuration,
    .query_components = &query_components,
    .orm = &orm,
};

PD_EXPORT const pd_backend *prefectd_backend_entry(const pd_host_services *host) {
  host_services = host;
  return &descriptor;
}
