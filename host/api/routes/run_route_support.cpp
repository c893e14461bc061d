#include "run_route_support.h"

#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/server_context.h"
#include "database/database_interface.h"
#include "models/flow_runs.h"
#include "models/run_history.h"
#include "orchestration/versions.h"
#include "schemas/json_fields.h"

namespace prefectd {

ProposedTransition proposed_transition(const RouteCall &call) {
  ProposedTransition proposal;
  proposal.state = state_from_create(*member(call.body, "state"), Timestamp::now());
  proposal.force = optional_bool(call.body, "force").value_or(false);
  proposal.client_version = client_version(call.request);
  return proposal;
}

std::optional<std::string> client_version(const HttpRequest &request) {
  auto agent = request.header("user-agent");
  return agent ? client_version_from_user_agent(*agent) : std::nullopt;
}

OrchestrationScope orchestration_scope(const RouteCall &call, Session &session) {
  return {call.server.database, session, call.server.orchestration, call.server.slot_waits, call.server.leases};
}

State requested_first_state(const rapidjson::Value &body, const char *default_state) {
  if (const rapidjson::Value *state = non_null_member(body, "state")) {
    return state_from_create(*state, Timestamp::now());
  }
  rapidjson::Document fallback;
  fallback.Parse(default_state);
  return state_from_create(fallback, Timestamp::now());
}

HttpResponse create_flow_run_in(const RouteCall &call, Session &session, Transaction &transaction, FlowRun run,
                                State first_state) {
  DatabaseInterface &database = call.server.database;
  const Uuid flow_id = run.flow_id;
  const std::optional<std::string> idempotency_key = run.idempotency_key;
  std::optional<FlowRun> created = create_flow_run(orchestration_scope(call, session), std::move(run),
                                                   std::move(first_state), call.request.header("x-prefect-api-version"));
  if (created) {
    transaction.commit();
    return {201, to_json(*created, Timestamp::now())};
  }
  // Only a used idempotency key leaves the run uncreated: the flow's run
  // with that key is the answer.
  transaction.rollback();
  const std::optional<FlowRun> existing = read_after_other_writers(session, [&]() -> std::optional<FlowRun> {
    if (!idempotency_key) return std::nullopt;
    auto id = flow_run_with_idempotency_key(database, session, flow_id, *idempotency_key);
    return id ? read_flow_run(database, session, *id) : std::nullopt;
  });
  if (!existing) throw std::runtime_error("a flow run was neither created nor found by its idempotency key");
  return {200, to_json(*existing, Timestamp::now())};
}

HttpResponse run_history_response(const RouteCall &call, RunKind kind, const FilterSet &filters) {
  // All three are required by the contract, so present and typed here.
  const Timestamp start = *optional_timestamp(call.body, "history_start");
  const Timestamp end = *optional_timestamp(call.body, "history_end");
  const double interval_seconds = call.body["history_interval_seconds"].GetDouble();
  if (interval_seconds < 1) throw_detail(422, "History interval must not be less than 1 second.");

  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  const std::vector<HistoryInterval> history =
      run_history(database, session, kind, filters, start, end, interval_seconds, Timestamp::now());

  rapidjson::Document response(rapidjson::kArrayType);
  auto &allocator = response.GetAllocator();
  for (const HistoryInterval &bucket : history) {
    rapidjson::Value states(rapidjson::kArrayType);
    for (const HistoryStateCount &count : bucket.states) {
      rapidjson::Value state;
      JsonFields(state, allocator)
          .string("state_type", count.state_type)
          .string("state_name", count.state_name)
          .integer("count_runs", count.count_runs)
          .number("sum_estimated_run_time", count.sum_estimated_run_time)
          .number("sum_estimated_lateness", count.sum_estimated_lateness);
      states.PushBack(state, allocator);
    }
    rapidjson::Value entry;
    JsonFields(entry, allocator)
        .timestamp("interval_start", bucket.interval_start)
        .timestamp("interval_end", bucket.interval_end)
        .value("states", states);
    response.PushBack(entry, allocator);
  }
  return {200, to_json(response)};
}

}  // namespace prefectd
