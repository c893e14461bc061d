// /flow_runs: create, read, update, labels, delete, set_state; the "read
// many" routes filter, count, paginate, history and lateness; bulk delete
// and bulk set_state; the CSV download of a run's logs.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "core/run_names.h"
#include "database/database_interface.h"
#include "filters/filter_json.h"
#include "filters/related_filters.h"
#include "filters/sorts.h"
#include "models/flow_run_inputs.h"
#include "models/flow_runs.h"
#include "models/flows.h"
#include "models/logs.h"
#include "models/run_history.h"
#include "models/run_orchestration.h"
#include "models/work_queues.h"
#include "orchestration/orchestrate.h"
#include "orchestration/run_policy.h"
#include "routes.h"
#include "run_route_support.h"
#include "schemas/labels.h"
#include "validation/run_input_validation.h"

#include <algorithm>
#include <cctype>

namespace prefectd {
namespace {

constexpr const char *kFlowRunNotFound = "Flow run not found";
// Prefect's FLOW_RUN_LOGS_DOWNLOAD_PAGE_LIMIT.
constexpr int64_t kLogDownloadPage = 1000;

// The client's empirical_policy with every default, as Prefect stores it.
std::string stored_policy(const rapidjson::Value &body) {
  return flow_run_policy_to_json(flow_run_policy_from_json(optional_json(body, "empirical_policy").value_or("{}")));
}

HttpResponse create(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const Timestamp now = Timestamp::now();
  FlowRun run;
  run.id = Uuid::v7();
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
  // The flow's labels are read before the write transaction, to keep the
  // one writer's turn short; a flow deleted meanwhile fails the insert as a
  // missing one would.
  const std::optional<Flow> flow = read_flow(database, session, run.flow_id);
  run.labels_json = merge_labels({{flow ? flow->labels_json : std::nullopt},
                                  system_label("prefect.flow.id", run.flow_id.to_string()),
                                  {std::nullopt, non_null_member(body, "labels")}});

  State first_state = requested_first_state(body);

  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (auto pool = optional_string(body, "work_pool_name")) {
    auto queue_name = optional_string(body, "work_queue_name");
    WorkQueueRef queue = queue_name ? work_queue_by_name(database, session, *pool, *queue_name)
                                    : default_work_queue(database, session, *pool);
    run.work_queue_id = queue.id;
    run.work_pool_id = queue.work_pool_id;
    run.work_pool_name = queue.work_pool_name;
  }
  return create_flow_run_in(call, session, transaction, std::move(run), std::move(first_state));
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
      set_flow_run_state(orchestration_scope(call, session), path_id(call), std::move(proposal));
  transaction.commit();
  return {outcome.state_written ? 201 : 200, std::move(outcome.result_json)};
}

// A pause's run_input_keyset: the input keys of the resume schema and of
// the response (Prefect: `if keyset:`, so an empty object is none).
struct RunInputKeys {
  std::string schema;
  std::string response;
};

std::optional<RunInputKeys> run_input_keys(const State &state) {
  if (!state.details.run_input_keyset_json) return std::nullopt;
  rapidjson::Document keyset;
  keyset.Parse(state.details.run_input_keyset_json->c_str(), state.details.run_input_keyset_json->size());
  if (keyset.HasParseError() || !keyset.IsObject() || keyset.ObjectEmpty()) return std::nullopt;
  return RunInputKeys{optional_string(keyset, "schema").value_or(""), optional_string(keyset, "response").value_or("")};
}

HttpResponse refuse_resume(const State &current, std::string reason) {
  // Prefect answers REJECT with abort details (sic) and the current state.
  OrchestrationResult refused{SetStateStatus::Reject, StateResponseDetails::abort(std::move(reason)), current, false};
  return {200, to_json(refused)};
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

  // The input is checked against the schema the pause stored and, once the
  // run is resumed, stored under the keyset's response key.
  const std::optional<RunInputKeys> keys = run_input_keys(*run->state);
  rapidjson::Document run_input(rapidjson::kObjectType);
  if (keys) {
    if (auto sent = call.body.FindMember("run_input"); sent != call.body.MemberEnd() && sent->value.IsObject())
      run_input.CopyFrom(sent->value, run_input.GetAllocator());
    auto schema_input = read_flow_run_input(database, session, id, keys->schema);
    if (!schema_input) return refuse_resume(*run->state, "Run input schema not found.");
    rapidjson::Document schema;
    schema.Parse(schema_input->value.c_str(), schema_input->value.size());
    if (schema.HasParseError()) return refuse_resume(*run->state, "Run input schema is not valid JSON.");
    if (auto violation = run_input_violation(schema, run_input))
      return refuse_resume(*run->state, "Reason: " + *violation);
  }

  ProposedTransition proposal{std::move(*proposed), /*force=*/false, call.request.header("x-prefect-api-version"),
                              client_version(call.request)};
  TransitionOutcome outcome = set_flow_run_state(orchestration_scope(call, session), id, std::move(proposal));
  if (keys && !run_input.ObjectEmpty() && outcome.accepted) {
    const Timestamp now = Timestamp::now();
    create_flow_run_input(database, session,
                          FlowRunInput{Uuid::v4(), now, now, id, keys->response, to_json(run_input), std::nullopt});
  }
  transaction.commit();
  return {outcome.state_written ? 201 : 200, std::move(outcome.result_json)};
}

std::string sort_of(const RouteCall &call) {
  return filter_json::string(&call.body, "sort").value_or("");
}

rapidjson::Value flow_run_list(const std::vector<FlowRun> &runs, rapidjson::Document::AllocatorType &allocator) {
  const Timestamp now = Timestamp::now();
  rapidjson::Value list(rapidjson::kArrayType);
  list.Reserve(static_cast<rapidjson::SizeType>(runs.size()), allocator);
  for (const FlowRun &run : runs) {
    rapidjson::Value json;
    write_flow_run(run, now, json, allocator);
    list.PushBack(json, allocator);
  }
  return list;
}

HttpResponse filter(const RouteCall &call) {
  const Page page{limit_from_body(call.body, call.server.settings), offset_from_body(call.body)};
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto runs = read_flow_runs(database, session, FilterSet::from_body(call.body), sort_of(call), page);
  rapidjson::Document response;
  rapidjson::Value list = flow_run_list(runs, response.GetAllocator());
  return {200, to_json(list)};
}

HttpResponse count(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  return {200, std::to_string(count_flow_runs(database, session, FilterSet::from_body(call.body)))};
}

HttpResponse paginate(const RouteCall &call) {
  const int64_t limit = limit_from_body(call.body, call.server.settings);
  const int64_t page = page_from_body(call.body);
  const FilterSet filters = FilterSet::from_body(call.body);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto runs = read_flow_runs(database, session, filters, sort_of(call), Page{limit, (page - 1) * limit});
  const int64_t total = count_flow_runs(database, session, filters);

  rapidjson::Document response;
  rapidjson::Value results = flow_run_list(runs, response.GetAllocator());
  return {200, paginated_json(response, results, total, limit, page)};
}

HttpResponse history(const RouteCall &call) {
  return run_history_response(call, RunKind::Flow, FilterSet::from_body(call.body, "work_queues"));
}

HttpResponse lateness(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto average = average_flow_run_lateness(database, session, FilterSet::from_body(call.body), Timestamp::now());
  if (!average) return {200, "null"};
  rapidjson::Value number(*average);
  return {200, to_json(number)};
}

// The ids of up to `limit` runs matching only the body's `flow_runs`, in
// the default order (ID_DESC), as Prefect's bulk routes choose them.
std::vector<Uuid> bulk_selection(DatabaseInterface &database, Session &session, const rapidjson::Value &body) {
  FilterSet filters;
  filters.flow_runs = FilterSet::from_body(body).flow_runs;
  FilteredQuery query = filtered_flow_runs(database.queries(), filters);
  Statement rows =
      query.select(session, "flow_run.id", flow_run_sort("", query.alias()), Page{bulk_limit_from_body(body), 0});
  std::vector<Uuid> ids;
  while (rows.step()) ids.push_back(*rows.uuid(0));
  return ids;
}

HttpResponse bulk_delete(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const std::vector<Uuid> deleted = delete_flow_runs(database, session, bulk_selection(database, session, call.body));
  transaction.commit();

  rapidjson::Document response(rapidjson::kObjectType);
  auto &allocator = response.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const Uuid &id : deleted) list.PushBack(rapidjson::Value(id.to_string().c_str(), allocator), allocator);
  response.AddMember("deleted", list, allocator);
  return {200, to_json(response)};
}

// The message of a failure: an HttpError's detail or exception_message
// rather than its whole body.
std::string error_message(const std::exception &error) {
  const auto *http = dynamic_cast<const HttpError *>(&error);
  if (http == nullptr) return error.what();
  rapidjson::Document body;
  body.Parse(http->body().c_str(), http->body().size());
  for (const char *key : {"detail", "exception_message"}) {
    if (auto message = optional_string(body, key)) return *message;
  }
  return http->body();
}

// Each selected run goes through orchestration in a transaction of its own,
// as Prefect does; a run whose orchestration throws gets an ABORT entry
// carrying the error and the others go on.
HttpResponse bulk_set_state(const RouteCall &call) {
  const rapidjson::Value *state = member(call.body, "state");  // required by the contract
  const bool force = optional_bool(call.body, "force").value_or(false);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  std::vector<Uuid> ids;
  {
    Transaction read(session, PD_TRANSACTION_READ);
    ids = bulk_selection(database, session, call.body);
  }

  rapidjson::Document response(rapidjson::kObjectType);
  auto &allocator = response.GetAllocator();
  rapidjson::Value results(rapidjson::kArrayType);
  for (const Uuid &id : ids) {
    rapidjson::Value entry(rapidjson::kObjectType);
    entry.AddMember("flow_run_id", rapidjson::Value(id.to_string().c_str(), allocator), allocator);
    try {
      ProposedTransition proposal{state_from_create(*state, Timestamp::now()), force,
                                  call.request.header("x-prefect-api-version"), client_version(call.request)};
      Transaction transaction(session, PD_TRANSACTION_WRITE);
      TransitionOutcome outcome = set_flow_run_state(orchestration_scope(call, session), id, std::move(proposal));
      transaction.commit();
      rapidjson::Document result;
      result.Parse(outcome.result_json.c_str(), outcome.result_json.size());
      for (const char *key : {"status", "state", "details"}) {
        entry.AddMember(rapidjson::StringRef(key), rapidjson::Value(result[key], allocator), allocator);
      }
    } catch (const std::exception &error) {
      OrchestrationResult aborted{SetStateStatus::Abort, StateResponseDetails::abort(error_message(error)),
                                  std::nullopt, false};
      rapidjson::Value result;
      write_orchestration_result(aborted, result, allocator);
      for (const char *key : {"status", "state", "details"}) {
        entry.AddMember(rapidjson::StringRef(key), result[key], allocator);
      }
    }
    results.PushBack(entry, allocator);
  }
  response.AddMember("results", results, allocator);
  return {200, to_json(response)};
}

// Python's str() of an aware UTC datetime, as csv.writer writes it.
std::string python_datetime_text(Timestamp timestamp) {
  std::string text = timestamp.to_iso8601();
  text[10] = ' ';
  text.replace(text.size() - 1, 1, "+00:00");
  return text;
}

// A field as Python's csv.writer writes it (QUOTE_MINIMAL).
void append_csv_field(std::string &out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// urllib.parse.quote(text, safe=""): everything but unreserved characters escaped.
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

HttpResponse download_logs(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  const Uuid id = path_id(call);
  auto run = read_flow_run(database, session, id);
  if (!run) throw_detail(404, kFlowRunNotFound);

  rapidjson::Document log_filter;
  log_filter.Parse(("{\"flow_run_id\": {\"any_\": [\"" + id.to_string() + "\"]}}").c_str());
  FilterSet filters;
  filters.logs = &log_filter;
  std::string csv = "timestamp,level,flow_run_id,task_run_id,message\r\n";
  for (int64_t offset = 0;; offset += kLogDownloadPage) {
    const std::vector<Log> logs =
        read_logs(database, session, filters, "TIMESTAMP_ASC", Page{kLogDownloadPage, offset});
    for (const Log &log : logs) {
      csv += python_datetime_text(log.timestamp) + "," + std::to_string(log.level) + ",";
      if (log.flow_run_id) csv += log.flow_run_id->to_string();
      csv += ",";
      if (log.task_run_id) csv += log.task_run_id->to_string();
      csv += ",";
      append_csv_field(csv, log.message);
      csv += "\r\n";
    }
    if (static_cast<int64_t>(logs.size()) < kLogDownloadPage) break;
  }
  HttpResponse response{200, std::move(csv)};
  response.content_type = "text/csv; charset=utf-8";
  response.headers.emplace_back("content-disposition", "attachment; filename=\"flow-run-logs.csv\"; filename*=UTF-8''" +
                                                           percent_encode(run->name + "-logs.csv"));
  return response;
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
  router.add({"POST", "/flow_runs/filter", filter});
  router.add({"POST", "/flow_runs/count", count});
  router.add({"POST", "/flow_runs/paginate", paginate});
  router.add({"POST", "/flow_runs/history", history});
  router.add({"POST", "/flow_runs/lateness", lateness});
  router.add({"POST", "/flow_runs/bulk_delete", bulk_delete});
  router.add({"POST", "/flow_runs/bulk_set_state", bulk_set_state});
  router.add({"GET", "/flow_runs/{id:uuid}/logs/download", download_logs});
}

}  // namespace prefectd
