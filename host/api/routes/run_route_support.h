// What the flow-run and task-run routes share: reading a set_state body
// and the client's version.
#pragma once

#include "api/router.h"
#include "models/run_orchestration.h"

namespace prefectd {

// {"state": StateCreate, "force": bool} as a proposal stamped now.
ProposedTransition proposed_transition(const RouteCall &call);
// The client's Prefect version from its User-Agent.
std::optional<std::string> client_version(const HttpRequest &request);
// Pending, now: the state a run is created in when the client names none.
State pending_state(Timestamp now);

}  // namespace prefectd
