// What the flow-run and task-run routes share: reading a set_state body
// and the client's version, the scope their orchestration runs in.
#pragma once

#include "api/router.h"
#include "database/session.h"
#include "filters/filter_set.h"
#include "models/run_orchestration.h"
#include "orchestration/orchestration_run.h"

namespace prefectd {

// {"state": StateCreate, "force": bool} as a proposal stamped now.
ProposedTransition proposed_transition(const RouteCall &call);
// The client's Prefect version from its User-Agent.
std::optional<std::string> client_version(const HttpRequest &request);
// Orchestration inside `session`'s transaction, with the server's settings
// and leases.
OrchestrationScope orchestration_scope(const RouteCall &call, Session &session);
// The first state a create's body asks for ("state"), stamped now;
// `default_state` (a StateCreate) when it names none.
State requested_first_state(const rapidjson::Value &body, const char *default_state = R"({"type": "PENDING"})");

// Runs `read` in a write transaction and commits it, for a run another
// request has just written: a write transaction sees that request's work
// even before its commit has returned, and commits only once that work is
// durable (pd_transaction_mode), so what is answered stays true and every
// later read finds it.
template <typename Read>
auto read_after_other_writers(Session &session, Read &&read) {
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  auto result = read();
  transaction.commit();
  return result;
}

// Orchestrates `run`'s first state and inserts it in `transaction`, and
// answers 201 with it; when the flow already has a run with its
// idempotency key, answers 200 with that run instead (api-surface.md §2.3).
HttpResponse create_flow_run_in(const RouteCall &call, Session &session, Transaction &transaction, FlowRun run,
                                State first_state);

// POST /flow_runs/history and /task_runs/history: the body's
// history_start, history_end and history_interval_seconds (below one second
// is Prefect's 422) over the runs passing `filters`, as [HistoryResponse].
HttpResponse run_history_response(const RouteCall &call, RunKind kind, const FilterSet &filters);

}  // namespace prefectd
