// The cross-object combination of Prefect's read_* models (filters.md §2):
// the primary object's own filter, plus one EXISTS subquery per related
// filter that relates it to the primary row. Each *_condition function
// returns the whole condition for the row named `alias` (TRUE when the set
// holds nothing for it); each filtered_* function starts a FilteredQuery on
// the primary table with that condition.
#pragma once

#include "filter_set.h"
#include "filtered_query.h"
#include "sql_builder.h"

#include <string>
#include <string_view>

namespace prefectd {

// flows, by flow_runs (+ task_runs of those runs), deployments (+ work_pools of their queues).
std::string flow_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);
// flow runs, by flows, task_runs, deployments, work_pools and work_queues.
std::string flow_run_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);
// task runs, by their flow run matching flow_runs and joined to flows, deployments, work_queues, work_pools.
std::string task_run_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);
// deployments, by flows, flow_runs (+ task_runs), work_queues (+ work_pools).
std::string deployment_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);
// logs, work pools and work queues: their own filter only.
std::string log_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);
std::string work_pool_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);
std::string work_queue_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);
// artifacts (artifacts as ArtifactFilter) and artifact collections (artifacts
// as ArtifactCollectionFilter), by the flow run they name (matching
// flow_runs, joined to flows and deployments) and the task run they name.
std::string artifact_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);
std::string artifact_collection_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);
// variables: their own filter only.
std::string variable_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias);

FilteredQuery filtered_flows(const QueryComponents &queries, const FilterSet &filters);
FilteredQuery filtered_flow_runs(const QueryComponents &queries, const FilterSet &filters);
FilteredQuery filtered_task_runs(const QueryComponents &queries, const FilterSet &filters);
FilteredQuery filtered_deployments(const QueryComponents &queries, const FilterSet &filters);
FilteredQuery filtered_logs(const QueryComponents &queries, const FilterSet &filters);
FilteredQuery filtered_work_pools(const QueryComponents &queries, const FilterSet &filters);
FilteredQuery filtered_work_queues(const QueryComponents &queries, const FilterSet &filters);
FilteredQuery filtered_artifacts(const QueryComponents &queries, const FilterSet &filters);
FilteredQuery filtered_artifact_collections(const QueryComponents &queries, const FilterSet &filters);
FilteredQuery filtered_variables(const QueryComponents &queries, const FilterSet &filters);

}  // namespace prefectd
