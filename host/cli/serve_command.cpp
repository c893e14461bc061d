#include "api/http_server.h"
#include "api/request_dispatcher.h"
#include "api/router.h"
#include "api/routes/routes.h"
#include "api/server_context.h"
#include "commands.h"
#include "concurrency/lease_storage.h"
#include "concurrency/slot_wait_caps.h"
#include "database/migrations.h"
#include "database_workers.h"
#include "events/event_bus.h"
#include "models/block_registration.h"
#include "models/run_orchestration.h"
#include "services/event_persister.h"
#include "services/foreman.h"
#include "services/scheduler.h"
#include "services/lease_repossessor.h"
#include "services/task_run_recorder.h"
#include "settings/settings.h"
#include "startup.h"
#include "version.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

namespace prefectd {
namespace {

// Blocks SIGINT and SIGTERM in every thread (threads inherit the mask), so
// they are taken only by the sigwait below.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return signals;
}

}  // namespace

int run_serve() {
  sigset_t stop_signals = block_stop_signals();
  Runtime runtime = open_database();
  const Settings &settings = *runtime.settings;
  DatabaseInterface &database = *runtime.database;

  if (settings.boolean("PREFECT_SERVER_DATABASE_MIGRATE_ON_START")) {
    try {
      MigrationRunner runner(database);
      int applied = runner.upgrade();
      if (applied > 0) spdlog::info("database migrated to {}", runner.head());
    } catch (const std::exception &error) {
      throw StartupError(kExitDatabase,
                         std::string("migrating ") + database.redacted_url() + " failed: " + error.what());
    }
  }

  if (settings.boolean("PREFECT_SERVER_REGISTER_BLOCKS_ON_START")) run_block_auto_registration(database);

  Router router(settings.text("PREFECT_SERVER_API_BASE_PATH").value_or("/api"));
  register_all_routes(router);
  ConcurrencyLeaseStorage leases;
  EventBus events(static_cast<size_t>(settings.integer("PREFECT_SERVER_EVENTS_MAXIMUM_SIZE_BYTES")));
  const OrchestrationSettings orchestration = orchestration_settings(settings);
  const SlotWaitCaps slot_waits = slot_wait_caps(settings);
  ServerContext context{settings, database, Timestamp::now(), leases, events, orchestration, slot_waits};
  RequestDispatcher dispatcher(router, context);

  HttpServerOptions options;
  options.host = settings.string("PREFECT_SERVER_API_HOST");
  options.port = static_cast<int>(settings.integer("PREFECT_SERVER_API_PORT"));
  options.reactor_threads = static_cast<int>(settings.integer("PREFECTD_HTTP_THREADS"));
  options.max_request_bytes = static_cast<size_t>(settings.integer("PREFECTD_MAX_REQUEST_BYTES"));
  options.database_workers =
      settings.text("PREFECTD_DATABASE_WORKERS")
          ? static_cast<size_t>(settings.integer("PREFECTD_DATABASE_WORKERS"))
          : default_database_workers(static_cast<size_t>(std::max<int64_t>(
                                         0, settings.integer("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE") +
                                                settings.integer("PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW"))),
                                     database.writer_limit(), std::thread::hardware_concurrency());
  // Consumers subscribe before the first event can arrive.
  std::vector<std::unique_ptr<BatchedEventConsumer>> event_consumers;
  if (settings.boolean("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED")) {
    event_consumers.push_back(make_task_run_recorder(database, events, settings));
  }
  if (settings.boolean("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED")) {
    event_consumers.push_back(make_event_persister(database, events, settings));
  }
  for (auto &consumer : event_consumers) consumer->start();
  options.websocket_ping_interval = std::chrono::milliseconds(
      static_cast<int64_t>(settings.number("PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL") * 1000));
  options.websocket_ping_timeout = std::chrono::milliseconds(
      static_cast<int64_t>(settings.number("PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT") * 1000));
  HttpServer server(dispatcher, options);
  try {
    server.start();
  } catch (const std::exception &error) {
    throw StartupError(kExitUsage,
                       "cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + error.what());
  }
  LeaseRepossessor repossessor(database, leases, slot_waits,
                               std::chrono::milliseconds(static_cast<int64_t>(
                                   settings.number("PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS") * 1000)));
  if (settings.boolean("PREFECT_SERVER_SERVICES_REPOSSESSOR_ENABLED")) repossessor.start();
  Foreman foreman(database, ForemanPolicy::from(settings),
                  std::chrono::milliseconds(
                      static_cast<int64_t>(settings.number("PREFECT_SERVER_SERVICES_FOREMAN_LOOP_SECONDS") * 1000)));
  if (settings.boolean("PREFECT_SERVER_SERVICES_FOREMAN_ENABLED")) foreman.start();
  Scheduler scheduler(database, orchestration, slot_waits, leases, SchedulerPolicy::from(settings));
  if (settings.boolean("PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED")) scheduler.start();
  // Always printed, whatever the log level: it is how a user finds the server.
  std::printf("prefectd %s serving the Prefect API at http://%s:%d%s (backend %s, database %s)\n", kPrefectdVersion,
              options.host.c_str(), server.port(), router.mount().c_str(), database.backend().name,
              database.redacted_url().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  auto grace =
      std::chrono::milliseconds(static_cast<int64_t>(settings.number("PREFECTD_SHUTDOWN_GRACE_SECONDS") * 1000));
  spdlog::info("received signal {}; finishing in-flight requests (grace {} ms)", signal_number, grace.count());
  int unfinished = server.drain(grace);
  if (unfinished > 0) spdlog::warn("{} request(s) still running after the grace period", unfinished);
  repossessor.stop();
  foreman.stop();
  scheduler.stop();
  server.stop();
  // After the server: events that arrived until the end are still written.
  for (auto &consumer : event_consumers) consumer->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace prefectd
