#include "honoured_settings.h"

#include <iterator>

namespace prefectd {

const HonouredSetting kHonouredPrefectSettings[] = {
    {"PREFECT_HOME", "Prefect's home directory; the default SQLite database lives in it"},
    {"PREFECT_SERVER_API_HOST", "address the HTTP server binds"},
    {"PREFECT_SERVER_API_PORT", "port the HTTP server binds"},
    {"PREFECT_SERVER_API_BASE_PATH", "mount path of the REST API (unset: /api)"},
    {"PREFECT_SERVER_API_AUTH_STRING",
     "user:password websocket clients must send in their auth message (HTTP basic auth is not enforced yet)"},
    {"PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL", "seconds of websocket silence after which the server pings"},
    {"PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT", "seconds a pinged websocket has to answer before it is dropped"},
    {"PREFECT_SERVER_API_DEFAULT_LIMIT", "largest (and default) limit of filter queries"},
    {"PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED", "serve /csrf-token (CSRF headers on writes are not enforced yet)"},
    {"PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION", "lifetime of a CSRF token"},
    {"PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES", "largest flow run graph served (more nodes: 400)"},
    {"PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_ARTIFACTS", "most artifacts a flow run graph lists"},
    {"PREFECT_SERVER_LOGGING_LEVEL", "server log level: DEBUG, INFO, WARNING, ERROR, CRITICAL"},
    {"PREFECT_SERVER_DATABASE_CONNECTION_URL", "database URL; its scheme chooses the backend plugin"},
    {"PREFECT_SERVER_DATABASE_DRIVER", "used with the host/port/user/name settings when no URL is set"},
    {"PREFECT_SERVER_DATABASE_HOST", "database host when no URL is set"},
    {"PREFECT_SERVER_DATABASE_PORT", "database port when no URL is set"},
    {"PREFECT_SERVER_DATABASE_USER", "database user when no URL is set"},
    {"PREFECT_SERVER_DATABASE_NAME", "database name (SQLite: file path) when no URL is set"},
    {"PREFECT_SERVER_DATABASE_PASSWORD",
     "database password; also replaces ${PREFECT_SERVER_DATABASE_PASSWORD} in the URL"},
    {"PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "apply migrations at start-up"},
    {"PREFECT_SERVER_REGISTER_BLOCKS_ON_START",
     "register the block types of the prefect package at start-up (collection blocks are not shipped)"},
    {"PREFECT_SERVER_DATABASE_TIMEOUT", "statement timeout (PostgreSQL)"},
    {"PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT", "connect timeout (PostgreSQL); bounds /ready"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "steady connection pool size"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW", "connections allowed beyond the pool size"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT", "seconds to wait for a free connection"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE", "seconds after which a connection is replaced"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_APPLICATION_NAME", "PostgreSQL application_name"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_SEARCH_PATH", "PostgreSQL search_path"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_ENABLED", "connect to PostgreSQL over TLS"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CA_FILE", "CA bundle for PostgreSQL TLS"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CERT_FILE", "client certificate for PostgreSQL TLS"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_KEY_FILE", "client key for PostgreSQL TLS"},
    {"PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CHECK_HOSTNAME", "verify the PostgreSQL server's host name"},
    {"PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS",
     "wait before a task retries a full tag limit; caps Retry-After on tag: limits"},
    {"PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS", "cap of Retry-After on other global limits"},
    {"PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED", "run the service that frees the slots of expired leases"},
    {"PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS", "how often expired concurrency leases are reclaimed"},
    {"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED",
     "run the service that records the task runs and states clients report as events"},
    {"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE", "task run events written together"},
    {"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL",
     "seconds after which task run events short of a batch are written"},
    {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED", "run the service that stores events for /events/filter"},
    {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE", "events stored together"},
    {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL",
     "seconds after which events short of a batch are stored"},
    {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_QUEUE_MAX_SIZE",
     "events waiting to be stored before new ones are dropped"},
    {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_MAX_FLUSH_RETRIES", "failed attempts after which an event is dropped"},
    {"PREFECT_SERVER_EVENTS_MAXIMUM_LABELS_PER_RESOURCE", "most labels an event's resource may carry"},
    {"PREFECT_SERVER_EVENTS_MAXIMUM_RELATED_RESOURCES", "most related resources an event may name"},
    {"PREFECT_SERVER_EVENTS_MAXIMUM_EVENT_NAME_LENGTH", "longest event name accepted"},
    {"PREFECT_SERVER_EVENTS_MAXIMUM_SIZE_BYTES", "largest event (as JSON) passed on; larger ones are dropped"},
    {"PREFECT_TESTING_UNIT_TEST_MODE", "shorter SQLite busy timeout for test suites"},
};
const size_t kHonouredPrefectSettingCount = std::size(kHonouredPrefectSettings);

const OwnSetting kOwnSettings[] = {
    {"PREFECTD_PLUGIN_PATH", "", "colon-separated directories or backend library files searched first"},
    {"PREFECTD_HTTP_THREADS", "2", "Pistache reactor threads that parse requests and write responses"},
    {"PREFECTD_DATABASE_WORKERS", "",
     "threads that run database work (unset: pool size + max overflow, at most twice the cores for a backend with "
     "a single writer such as SQLite; 0: on the reactor threads, for comparison only)"},
    {"PREFECTD_SHUTDOWN_GRACE_SECONDS", "10", "on SIGTERM/SIGINT, how long in-flight requests may finish"},
    {"PREFECTD_MAX_REQUEST_BYTES", "16777216", "largest request accepted (Prefect events reach 1.5 MB)"},
};
const size_t kOwnSettingCount = std::size(kOwnSettings);

}  // namespace prefectd
