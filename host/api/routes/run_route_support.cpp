#include "run_route_support.h"

#include "api/json_access.h"
#include "orchestration/versions.h"

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

State pending_state(Timestamp now) {
  rapidjson::Document pending;
  pending.Parse(R"({"type": "PENDING"})");
  return state_from_create(pending, now);
}

}  // namespace prefectd
