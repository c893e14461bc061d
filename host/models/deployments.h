// The deployment and deployment_schedule tables: the upsert on flow and
// name, reads with their schedules and work pool, partial updates, delete
// with the runs that never ran, filter and count, the runner's poll, and
// schedules one by one.
#pragma once

#include "column_values.h"
#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "schemas/deployment.h"
#include "schemas/flow_run.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

// Inserts the flow's deployment `name` with `values`, or overwrites the
// columns `values` sets (but `insert_only`, defaults for a new row) on the
// flow's deployment of that name; either way its schedules become
// `schedules` and its future auto-scheduled runs are deleted. Returns the
// id and whether it was new.
struct UpsertedDeployment {
  Uuid id;
  bool created = false;
};
UpsertedDeployment upsert_deployment(DatabaseInterface &database, Session &session, const Uuid &flow_id,
                                     const std::string &name, ColumnValues &values,
                                     const std::vector<std::string> &insert_only,
                                     const std::vector<DeploymentScheduleCreate> &schedules);

bool deployment_exists(DatabaseInterface &database, Session &session, const Uuid &id);
std::optional<Deployment> read_deployment(DatabaseInterface &database, Session &session, const Uuid &id);
std::optional<Deployment> read_deployment_by_name(DatabaseInterface &database, Session &session,
                                                  const std::string &flow_name, const std::string &name);
// Writes the columns `values` sets (and `updated`). False when there is no such deployment.
bool update_deployment_columns(Session &session, const Uuid &id, ColumnValues &values);
// Deletes its SCHEDULED runs that never ran, then the deployment (its
// schedules go with it). False when there is no such deployment.
bool delete_deployment(DatabaseInterface &database, Session &session, const Uuid &id);

// Deletes the deployment's SCHEDULED runs that never ran and are not
// waiting for a concurrency slot: only those the scheduler made
// (`auto_scheduled_only`), and only those still ahead (`future_only`).
void delete_scheduled_runs(DatabaseInterface &database, Session &session, const Uuid &deployment_id,
                           bool auto_scheduled_only, bool future_only);

// Deployments matching `filters`, ordered by the DeploymentSort value `sort`.
std::vector<Deployment> read_deployments(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                         std::string_view sort, const Page &page);
int64_t count_deployments(DatabaseInterface &database, Session &session, const FilterSet &filters);

// The runner's poll: SCHEDULED runs of `deployment_ids` due by
// `scheduled_before`, soonest first; the deployments become READY, polled now.
std::vector<FlowRun> poll_deployments(DatabaseInterface &database, Session &session,
                                      const std::vector<Uuid> &deployment_ids,
                                      std::optional<Timestamp> scheduled_before, int64_t limit);

std::vector<DeploymentSchedule> read_deployment_schedules(DatabaseInterface &database, Session &session,
                                                          const Uuid &deployment_id);
std::vector<DeploymentSchedule> create_deployment_schedules(DatabaseInterface &database, Session &session,
                                                            const Uuid &deployment_id,
                                                            const std::vector<DeploymentScheduleCreate> &schedules);
// Deletes the deployment's schedules and creates `schedules` instead.
std::vector<DeploymentSchedule> replace_deployment_schedules(DatabaseInterface &database, Session &session,
                                                             const Uuid &deployment_id,
                                                             const std::vector<DeploymentScheduleCreate> &schedules);
// False when the deployment has no such schedule.
bool update_deployment_schedule(Session &session, const Uuid &deployment_id, const Uuid &schedule_id,
                                ColumnValues &values);
bool delete_deployment_schedule(DatabaseInterface &database, Session &session, const Uuid &deployment_id,
                                const Uuid &schedule_id);

}  // namespace prefectd
