// The flow table: create (upsert by name), read, update tags, delete.
#pragma once

#include "schemas/flow.h"

#include <optional>
#include <string>

namespace prefectd {

class DatabaseInterface;
class Session;

struct FlowCreate {
  std::string name;
  std::string tags_json = "[]";
  std::optional<std::string> labels_json;
};

struct CreatedFlow {
  Flow flow;
  bool inserted;  // false: a flow of that name existed and is returned unchanged
};

CreatedFlow create_flow(DatabaseInterface &database, Session &session, const FlowCreate &flow);
std::optional<Flow> read_flow(DatabaseInterface &database, Session &session, const Uuid &id);
std::optional<Flow> read_flow_by_name(DatabaseInterface &database, Session &session, const std::string &name);
// Returns false when there is no such flow.
bool update_flow_tags(DatabaseInterface &database, Session &session, const Uuid &id, const std::string &tags_json);
// Returns false when there is no such flow. Its deployments and runs go
// with it (ON DELETE CASCADE).
bool delete_flow(DatabaseInterface &database, Session &session, const Uuid &id);

}  // namespace prefectd
