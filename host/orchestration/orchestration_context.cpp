#include "orchestration_context.h"

namespace prefectd {

std::optional<StateType> OrchestrationContext::initial_state_type() const {
  return initial_state ? std::optional(initial_state->type) : std::nullopt;
}

std::optional<StateType> OrchestrationContext::proposed_state_type() const {
  return proposed_state ? std::optional(proposed_state->type) : std::nullopt;
}

bool OrchestrationContext::tracks_pause_bookkeeping() const {
  static const Version kPauseBookkeeping = *Version::parse("0.8.4");
  return !api_version || *api_version >= kPauseBookkeeping;
}

bool OrchestrationContext::uses_legacy_flow_retry() const {
  static const Version kTaskRunResetRetired = *Version::parse("0.8.3");
  return api_version && *api_version < kTaskRunResetRetired;
}

bool OrchestrationContext::client_supports_deployment_leases() const {
  static const Version kLeasing = *Version::parse("3.4.11");
  static const Version kUnknownClient = *Version::parse("2.0.0");
  auto version = client_version ? Version::parse(*client_version) : std::nullopt;
  return version.value_or(kUnknownClient) >= kLeasing;
}

}  // namespace prefectd
