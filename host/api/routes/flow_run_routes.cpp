// /flow_runs: create, read, update, labels, delete, set_state.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/router.h"
#include "api/server_context.h"
#include "core/run_names.h"
#include "database/database_interface.h"
#include "models/flow_run_inputs.h"
#include "models/flow_runs.h"
#include "models/flows.h"
#include "models/run_orchestration.h"
#include "models/work_queues.h"
#include "orchestration/orchestrate.h"
#include "orchestration/run_policy.h"
#include "routes.h"
#include "run_route_support.h"
#include "schemas/labels.h"

namespace prefectd {
namespace {

constexpr const char *kFlowRunNotFound = "Flow run not found";

Uuid path_id(const RouteCall &call) {
  return *Uuid::parse(call.path.at("id"));
}

// The client's empirical_policy with every default, as Prefect stores it.
std::string stored_policy(const rapidjson::Value &body) {
  return flow_run_policy_to_json(flow_run_policy_from_json(optional_json(body, "empirical_policy").value_or("{}")));
}

HttpResponse create(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Timestamp now = Timestamp::now();
  FlowRun run;
  run.id = Uuid::v4();
  run.created = now;
  run.updated = now;
  run.flow_id = *optional_uuid(body, "flow_id");
  run.name = optional_string(body, "name").value_or("");
  if (run.name.empty()) run.name = random_run_name();
  run.flow_version = optional_string(body, "flow_version");
  run.parameters_json = optional_json(body, "parameters").value_or("{}");
  run.context_json = optional_json(body, "context").value_or("{}");
  run.parent_task_run_id = optional_uuid(body, "parent_task_run_id");
  run.infrastructure_document_id = optional_uuid(body, "infrastructure_document_id");
  run.empirical_policy_json = stored_policy(body);
  run.tags_json = optional_json(body, "tags").value_or("[]");
  run.idempotency_key = optional_string(body, "idempotency_key");
  run.work_queue_name = optional_string(body, "work_queue_name");
  run.job_variables_json = optional_json(body, "job_variables").value_or("{}");
  run.deployment_id = optional_uuid(body, "deployment_id");

  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (auto pool = optional_string(body, "work_pool_name")) {
    auto queue_name = optional_string(body, "work_queue_name");
    WorkQueueRef queue = queue_name ? work_queue_by_name(database, session, *pool, *queue_name)
                                    : default_work_queue(database, session, *pool);
    run.work_queue_id = queue.id;
  }
  const std::optional<Flow> flow = read_flow(database, session, run.flow_id);
  rapidjson::Document system_labels;
  system_labels.SetObject();
  system_labels.AddMember("prefect.flow.id",
                          rapidjson::Value(run.flow_id.to_string().c_str(), system_labels.GetAllocator()),
                          system_labels.GetAllocator());
  run.labels_json = merge_labels({{flow ? flow->labels_json : std::nullopt},
                                  {std::nullopt, &system_labels},
                                  {std::nullopt, non_null_member(body, "labels")}});

  const CreatedFlowRun created = create_flow_run(database, session, run);
  if (created.inserted) {
    const rapidjson::Value *state = non_null_member(body, "state");
    State initial = state != nullptr ? state_from_create(*state, Timestamp::now()) : pending_state(Timestamp::now());
    apply_initial_flow_run_state({database, session, call.server.settings}, created.id, std::move(initial),
                                 call.request.header("x-prefect-api-version"));
  }
  std::optional<FlowRun> stored = read_flow_run(database, session, created.id);
  if (!stored) throw std::runtime_error("flow run " + created.id.to_string() + " vanished after its insert");
  transaction.commit();
  return {created.inserted ? 201 : 200, to_json(*stored, Timestamp::now())};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto run = read_flow_run(database, session, path_id(call));
  if (!run) throw_detail(404, kFlowRunNotFound);
  return {200, to_json(*run, Timestamp::now())};
}

HttpResponse update(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  std::vector<ColumnUpdate> updates;
  if (member(body, "name") != nullptr) {
    std::string name = optional_string(body, "name").value_or("");
    updates.push_back({ColumnUpdate::Kind::Text, "name", name.empty() ? random_run_name() : name});
  }
  if (member(body, "flow_version") != nullptr) {
    updates.push_back({ColumnUpdate::Kind::Text, "flow_version", optional_string(body, "flow_version")});
  }
  if (member(body, "parameters") != nullptr) {
    updates.push_back({ColumnUpdate::Kind::Json, "parameters", optional_json(body, "parameters").value_or("{}")});
  }
  if (member(body, "empirical_policy") != nullptr) {
    updates.push_back({ColumnUpdate::Kind::Json, "empirical_policy", stored_policy(body)});
  }
  if (member(body, "tags") != nullptr) {
    updates.push_back({ColumnUpdate::Kind::Json, "tags", optional_json(body, "tags").value_or("[]")});
  }
  if (member(body, "infrastructure_pid") != nullptr) {
    updates.push_back({ColumnUpdate::Kind::Text, "infrastructure_pid", optional_string(body, "infrastructure_pid")});
  }
  const bool job_variables = non_null_member(body, "job_variables") != nullptr;
  if (job_variables) {
    updates.push_back({ColumnUpdate::Kind::Json, "job_variables", optional_json(body, "job_variables")});
  }

  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  if (job_variables) {
    auto run = read_flow_run(database, session, id);
    if (!run) throw_detail(404, kFlowRunNotFound);
    if (!run->state) throw_detail(400, "Flow run state is required to update job variables but none exists");
    if (run->state->type != StateType::Scheduled) {
      throw_detail(400, "Job variables for a flow run in state " + std::string(to_string(run->state->type)) +
                            " cannot be updated");
    }
    if (!run->deployment_id) throw_detail(400, "A deployment for the flow run could not be found");
  }
  if (!update_flow_run_columns(database, session, id, updates)) throw_detail(404, kFlowRunNotFound);
  transaction.commit();
  return {204, ""};
}

HttpResponse update_labels(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  auto run = read_flow_run(database, session, id);
  if (!run) throw_exception_message(404, "Flow run with id " + id.to_string() + " not found");
  const std::string labels = merge_labels({{run->labels_json}, {std::nullopt, &call.body}});
  update_flow_run_columns(database, session, id, {{ColumnUpdate::Kind::Json, "labels", labels}});
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_flow_run(database, session, path_id(call))) throw_detail(404, kFlowRunNotFound);
  transaction.commit();
  return {204, ""};
}

HttpResponse set_state(const RouteCall &call) {
  ProposedTransition proposal = proposed_transition(call);
  proposal.api_version = call.request.header("x-prefect-api-version");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  TransitionOutcome outcome =
      set_flow_run_state({database, session, call.server.settings}, path_id(call), std::move(proposal));
  transaction.commit();
  return {outcome.state_written ? 201 : 200, std::move(outcome.result_json)};
}

HttpResponse resume(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const Uuid id = path_id(call);
  auto run = read_flow_run(database, session, id, /*for_update=*/true);
  if (!run) throw_detail(404, kFlowRunNotFound);
  std::optional<State> proposed = resume_proposal(run->state, Timestamp::now(), Uuid::v7());
  if (!proposed) return {200, to_json(not_paused_resume_result())};
  if (run->state->details.run_input_keyset_json &&
      !flow_run_input_exists(database, session, id, run->state->details.run_input_keyset_json)) {
    // Prefect answers REJECT with abort details (sic) and the current state.
    OrchestrationResult refused{SetStateStatus::Reject, StateResponseDetails::abort("Run input schema not found."),
                                run->state, false};
    return {200, to_json(refused)};
  }
  ProposedTransition proposal{std::move(*proposed), /*force=*/false, call.request.header("x-prefect-api-version"),
                              client_version(call.request)};
  TransitionOutcome outcome = set_flow_run_state({database, session, call.server.settings}, id, std::move(proposal));
  transaction.commit();
  return {outcome.state_written ? 201 : 200, std::move(outcome.result_json)};
}

}  // namespace

void register_flow_run_routes(Router &router) {
  router.add({"POST", "/flow_runs/", create});
  router.add({"GET", "/flow_runs/{id:uuid}", read});
  // Only the fields sent are written.
  router.add({"PATCH", "/flow_runs/{id:uuid}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"PATCH", "/flow_runs/{id:uuid}/labels", update_labels});
  router.add({"DELETE", "/flow_runs/{id:uuid}", remove});
  router.add({"POST", "/flow_runs/{id:uuid}/set_state", set_state});
  router.add({"POST", "/flow_runs/{id:uuid}/resume", resume});
}

}  // namespace prefectd
