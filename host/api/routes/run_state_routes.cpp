// /flow_run_states and /task_run_states: a state by id, or all of a run's.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/router.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/run_states.h"
#include "routes.h"

namespace prefectd {
namespace {

HttpResponse read_one(const RouteCall &call, RunKind kind) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto state = read_run_state(database, session, kind, path_id(call));
  // The reference answers task-run states with the flow-run message too.
  if (!state) throw_detail(404, "Flow run state not found");
  return {200, to_json(*state)};
}

HttpResponse read_all(const RouteCall &call, RunKind kind, const char *run_parameter) {
  const Uuid run_id = *optional_uuid(call.query, run_parameter);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  rapidjson::Document states;
  states.SetArray();
  for (const State &state : read_run_states(database, session, kind, run_id)) {
    rapidjson::Value item;
    write_state(state, item, states.GetAllocator());
    states.PushBack(item, states.GetAllocator());
  }
  return {200, to_json(states)};
}

}  // namespace

void register_run_state_routes(Router &router) {
  router.add({"GET", "/flow_run_states/{id:uuid}", [](const RouteCall &call) { return read_one(call, RunKind::Flow); }});
  router.add({"GET", "/flow_run_states/",
              [](const RouteCall &call) { return read_all(call, RunKind::Flow, "flow_run_id"); }});
  router.add({"GET", "/task_run_states/{id:uuid}", [](const RouteCall &call) { return read_one(call, RunKind::Task); }});
  router.add({"GET", "/task_run_states/",
              [](const RouteCall &call) { return read_all(call, RunKind::Task, "task_run_id"); }});
}

}  // namespace prefectd
