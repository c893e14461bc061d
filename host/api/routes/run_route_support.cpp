#include "run_route_support.h"

#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/server_context.h"
#include "database/database_interface.h"
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

State requested_first_state(const rapidjson::Value &body) {
  if (const rapidjson::Value *state = non_null_member(body, "state")) {
    return state_from_create(*state, Timestamp::now());
  }
  rapidjson::Document pending;
  pending.Parse(R"({"type": "PENDING"})");
  return state_from_create(pending, Timestamp::now());
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
