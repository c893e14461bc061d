// The flow_run_input table, as far as resuming a paused run needs it.
#pragma once

#include "core/uuid.h"

#include <optional>
#include <string>

namespace prefectd {

class DatabaseInterface;
class Session;

// Whether the input named by the "schema" entry of a pause's
// run_input_keyset (a JSON object of strings) exists for the run.
bool flow_run_input_exists(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                           const std::optional<std::string> &keyset_json);

}  // namespace prefectd
