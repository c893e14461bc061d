// GET /flow_runs/{id}/graph (task-run dependencies) and
// GET /flow_runs/{id}/graph-v2 (the graph of task and subflow runs).
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/flow_run_graphs.h"
#include "routes.h"
#include "settings/settings.h"

namespace prefectd {
namespace {

// Prefect's ObjectNotFoundError answers: exception_message, worded per query.
HttpResponse dependencies(const RouteCall &call) {
  const Uuid id = path_id(call);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto task_runs = read_task_run_dependencies(database, session, id);
  if (!task_runs) throw_exception_message(404, "Flow run with id " + id.to_string() + " not found");
  return {200, dependency_results_json(*task_runs, Timestamp::now())};
}

HttpResponse graph(const RouteCall &call) {
  const Uuid id = path_id(call);
  // The contract's default (year 1) when the client sends none.
  const Timestamp since = optional_timestamp(call.query, "since").value_or(Timestamp{INT64_MIN});
  const Settings &settings = call.server.settings;
  const FlowRunGraphLimits limits{settings.integer("PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES"),
                                  settings.integer("PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_ARTIFACTS")};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  std::optional<FlowRunGraph> found;
  try {
    found = read_flow_run_graph(database, session, id, since, limits);
  } catch (const FlowRunGraphTooLarge &too_large) {
    throw_detail(400, too_large.what());
  }
  if (!found) throw_exception_message(404, "Flow run " + id.to_string() + " not found");
  return {200, to_json(*found)};
}

}  // namespace

void register_flow_run_graph_routes(Router &router) {
  router.add({"GET", "/flow_runs/{id:uuid}/graph", dependencies});
  router.add({"GET", "/flow_runs/{id:uuid}/graph-v2", graph});
}

}  // namespace prefectd
