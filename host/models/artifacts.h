// The artifact table, as far as states need it: persisted results are kept
// as artifacts and linked from their state (orchestration.md §2).
#pragma once

#include "core/uuid.h"

#include <optional>
#include <string>

namespace prefectd {

class DatabaseInterface;
class Session;

struct ResultArtifact {
  Uuid id;
  std::string data_json;  // the result, without the artifact_* keys
};

// Stores a state's `data` as a result artifact: artifact_key, artifact_type
// and artifact_description move from the data to the artifact's columns
// (a key also updates its artifact collection).
ResultArtifact create_result_artifact(DatabaseInterface &database, Session &session, const std::string &data_json,
                                      const std::optional<Uuid> &flow_run_id, const std::optional<Uuid> &task_run_id);

}  // namespace prefectd
