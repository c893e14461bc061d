// The flow table: create (upsert by name), read, update tags, delete.
#pragma once

#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "schemas/flow.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Flows matching `filters` (flows, flow_runs, task_runs, deployments,
// work_pools), ordered by the FlowSort value `sort`.
std::vector<Flow> read_flows(DatabaseInterface &database, Session &session, const FilterSet &filters,
                             std::string_view sort, const Page &page);
int64_t count_flows(DatabaseInterface &database, Session &session, const FilterSet &filters);
// Deletes those of `ids` that exist, with their deployments, and returns them.
std::vector<Uuid> delete_flows(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids);

}  // namespace prefectd
