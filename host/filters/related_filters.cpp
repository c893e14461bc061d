#include "related_filters.h"

#include "artifact_filter.h"
#include "column_conditions.h"
#include "conditions.h"
#include "deployment_filter.h"
#include "filter_json.h"
#include "flow_filter.h"
#include "flow_run_filter.h"
#include "log_filter.h"
#include "task_run_filter.h"
#include "variable_filter.h"
#include "work_pool_filter.h"
#include "work_queue_filter.h"

namespace prefectd {
namespace {

// One EXISTS subquery: FROM `from` (joins included) WHERE all `conditions`.
std::string exists(const std::string &from, const Conditions &conditions) {
  return "EXISTS (SELECT 1 FROM " + from + " WHERE " + combine(conditions) + ")";
}

template <typename Compile>
std::string own_condition(SqlBuilder &sql, const rapidjson::Value *filter, std::string_view alias, Compile compile) {
  return filter != nullptr ? compile(sql, *filter, alias) : std::string(kAlwaysTrue);
}

// The run relations of artifacts and their collections: both name a flow
// run and a task run by id, without foreign keys.
Conditions artifact_run_conditions(SqlBuilder &sql, const FilterSet &filters, const std::string &artifact) {
  Conditions conditions;
  if (filters.flow_runs || filters.flows || filters.deployments) {
    const std::string r = sql.alias("flow_run");
    std::string from = "flow_run " + r;
    Conditions inner{r + ".id = " + artifact + ".flow_run_id"};
    if (filters.flow_runs) inner.push_back(flow_run_filter_condition(sql, *filters.flow_runs, r));
    if (filters.flows) {
      const std::string f = sql.alias("flow");
      from += " JOIN flow " + f + " ON " + f + ".id = " + r + ".flow_id";
      inner.push_back(flow_filter_condition(sql, *filters.flows, f));
    }
    if (filters.deployments) {
      const std::string d = sql.alias("deployment");
      from += " JOIN deployment " + d + " ON " + d + ".id = " + r + ".deployment_id";
      inner.push_back(deployment_filter_condition(sql, *filters.deployments, d));
    }
    conditions.push_back(exists(from, inner));
  }
  if (filters.task_runs) {
    const std::string t = sql.alias("task_run");
    conditions.push_back(exists("task_run " + t, {t + ".id = " + artifact + ".task_run_id",
                                                  task_run_filter_condition(sql, *filters.task_runs, t)}));
  }
  return conditions;
}

FilteredQuery start(const QueryComponents &queries, const char *table, const FilterSet &filters,
                    std::string (*condition)(SqlBuilder &, const FilterSet &, std::string_view)) {
  FilteredQuery query(queries, table);
  query.where(condition(query.sql(), filters, query.alias()));
  return query;
}

}  // namespace

std::string flow_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  const std::string flow(alias);
  Conditions conditions;
  if (filters.flows) conditions.push_back(flow_filter_condition(sql, *filters.flows, flow));
  if (filters.deployments || filters.work_pools) {
    const std::string d = sql.alias("deployment");
    std::string from = "deployment " + d;
    Conditions inner{d + ".flow_id = " + flow + ".id"};
    if (filters.deployments) inner.push_back(deployment_filter_condition(sql, *filters.deployments, d));
    if (filters.work_pools) {
      const std::string q = sql.alias("work_queue");
      const std::string p = sql.alias("work_pool");
      from += " JOIN work_queue " + q + " ON " + q + ".id = " + d + ".work_queue_id JOIN work_pool " + p + " ON " + p +
              ".id = " + q + ".work_pool_id";
      inner.push_back(work_pool_filter_condition(sql, *filters.work_pools, p));
    }
    conditions.push_back(exists(from, inner));
  }
  if (filters.flow_runs || filters.task_runs) {
    const std::string r = sql.alias("flow_run");
    std::string from = "flow_run " + r;
    Conditions inner{r + ".flow_id = " + flow + ".id"};
    if (filters.flow_runs) inner.push_back(flow_run_filter_condition(sql, *filters.flow_runs, r));
    if (filters.task_runs) {
      const std::string t = sql.alias("task_run");
      from += " JOIN task_run " + t + " ON " + t + ".flow_run_id = " + r + ".id";
      inner.push_back(task_run_filter_condition(sql, *filters.task_runs, t));
    }
    conditions.push_back(exists(from, inner));
  }
  return combine(conditions);
}

std::string flow_run_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  const std::string run(alias);
  Conditions conditions;
  if (filters.flow_runs) conditions.push_back(flow_run_filter_condition(sql, *filters.flow_runs, run));
  if (filters.deployments) {
    const std::string d = sql.alias("deployment");
    conditions.push_back(exists("deployment " + d, {d + ".id = " + run + ".deployment_id",
                                                    deployment_filter_condition(sql, *filters.deployments, d)}));
  }
  if (filters.work_pools) {
    const std::string q = sql.alias("work_queue");
    const std::string p = sql.alias("work_pool");
    conditions.push_back(
        exists("work_queue " + q + " JOIN work_pool " + p + " ON " + p + ".id = " + q + ".work_pool_id",
               {q + ".id = " + run + ".work_queue_id", work_pool_filter_condition(sql, *filters.work_pools, p)}));
  }
  if (filters.work_queues) {
    const std::string q = sql.alias("work_queue");
    conditions.push_back(exists("work_queue " + q, {q + ".id = " + run + ".work_queue_id",
                                                    work_queue_filter_condition(sql, *filters.work_queues, q)}));
  }
  // Prefect joins flow and task run in one subquery when both are given;
  // the flow is one row per run, so two EXISTS say the same.
  if (filters.flows) {
    const std::string f = sql.alias("flow");
    conditions.push_back(
        exists("flow " + f, {f + ".id = " + run + ".flow_id", flow_filter_condition(sql, *filters.flows, f)}));
  }
  if (filters.task_runs) {
    const std::string t = sql.alias("task_run");
    conditions.push_back(exists(
        "task_run " + t, {t + ".flow_run_id = " + run + ".id", task_run_filter_condition(sql, *filters.task_runs, t)}));
  }
  return combine(conditions);
}

std::string task_run_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  const std::string task(alias);
  Conditions conditions;
  if (filters.task_runs) conditions.push_back(task_run_filter_condition(sql, *filters.task_runs, task));
  const bool other_relations = filters.flows || filters.deployments || filters.work_pools || filters.work_queues;
  if (filters.flow_runs && !other_relations && flow_run_filter_only_on_ids(*filters.flow_runs)) {
    // Prefect's fast path: no subquery when only run ids are asked for.
    const auto ids = filter_json::uuids(filter_json::member(filters.flow_runs, "id"), "any_");
    conditions.push_back(in_list(sql, task + ".flow_run_id", *ids));
    return combine(conditions);
  }
  if (filters.flow_runs || other_relations) {
    const std::string r = sql.alias("flow_run");
    std::string from = "flow_run " + r;
    Conditions inner{r + ".id = " + task + ".flow_run_id"};
    if (filters.flow_runs) inner.push_back(flow_run_filter_condition(sql, *filters.flow_runs, r));
    if (filters.flows) {
      const std::string f = sql.alias("flow");
      from += " JOIN flow " + f + " ON " + f + ".id = " + r + ".flow_id";
      inner.push_back(flow_filter_condition(sql, *filters.flows, f));
    }
    if (filters.deployments) {
      const std::string d = sql.alias("deployment");
      from += " JOIN deployment " + d + " ON " + d + ".id = " + r + ".deployment_id";
      inner.push_back(deployment_filter_condition(sql, *filters.deployments, d));
    }
    if (filters.work_queues || filters.work_pools) {
      const std::string q = sql.alias("work_queue");
      from += " JOIN work_queue " + q + " ON " + q + ".id = " + r + ".work_queue_id";
      if (filters.work_queues) inner.push_back(work_queue_filter_condition(sql, *filters.work_queues, q));
      if (filters.work_pools) {
        const std::string p = sql.alias("work_pool");
        from += " JOIN work_pool " + p + " ON " + p + ".id = " + q + ".work_pool_id";
        inner.push_back(work_pool_filter_condition(sql, *filters.work_pools, p));
      }
    }
    conditions.push_back(exists(from, inner));
  }
  return combine(conditions);
}

std::string deployment_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  const std::string deployment(alias);
  Conditions conditions;
  if (filters.deployments) conditions.push_back(deployment_filter_condition(sql, *filters.deployments, deployment));
  if (filters.flows) {
    const std::string f = sql.alias("flow");
    conditions.push_back(
        exists("flow " + f, {f + ".id = " + deployment + ".flow_id", flow_filter_condition(sql, *filters.flows, f)}));
  }
  if (filters.flow_runs || filters.task_runs) {
    const std::string r = sql.alias("flow_run");
    std::string from = "flow_run " + r;
    Conditions inner{r + ".deployment_id = " + deployment + ".id"};
    if (filters.flow_runs) inner.push_back(flow_run_filter_condition(sql, *filters.flow_runs, r));
    if (filters.task_runs) {
      const std::string t = sql.alias("task_run");
      from += " JOIN task_run " + t + " ON " + t + ".flow_run_id = " + r + ".id";
      inner.push_back(task_run_filter_condition(sql, *filters.task_runs, t));
    }
    conditions.push_back(exists(from, inner));
  }
  if (filters.work_queues || filters.work_pools) {
    const std::string q = sql.alias("work_queue");
    std::string from = "work_queue " + q;
    Conditions inner{q + ".id = " + deployment + ".work_queue_id"};
    if (filters.work_queues) inner.push_back(work_queue_filter_condition(sql, *filters.work_queues, q));
    if (filters.work_pools) {
      const std::string p = sql.alias("work_pool");
      from += " JOIN work_pool " + p + " ON " + p + ".id = " + q + ".work_pool_id";
      inner.push_back(work_pool_filter_condition(sql, *filters.work_pools, p));
    }
    conditions.push_back(exists(from, inner));
  }
  return combine(conditions);
}

std::string log_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  return own_condition(sql, filters.logs, alias, log_filter_condition);
}

std::string work_pool_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  return own_condition(sql, filters.work_pools, alias, work_pool_filter_condition);
}

std::string work_queue_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  return own_condition(sql, filters.work_queues, alias, work_queue_filter_condition);
}

std::string artifact_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  const std::string artifact(alias);
  Conditions conditions;
  if (filters.artifacts) conditions.push_back(artifact_filter_condition(sql, *filters.artifacts, artifact));
  append(conditions, artifact_run_conditions(sql, filters, artifact));
  return combine(conditions);
}

std::string artifact_collection_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  const std::string collection(alias);
  Conditions conditions;
  if (filters.artifacts) {
    conditions.push_back(artifact_collection_filter_condition(sql, *filters.artifacts, collection));
  }
  append(conditions, artifact_run_conditions(sql, filters, collection));
  return combine(conditions);
}

std::string variable_condition(SqlBuilder &sql, const FilterSet &filters, std::string_view alias) {
  return own_condition(sql, filters.variables, alias, variable_filter_condition);
}

FilteredQuery filtered_flows(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "flow", filters, flow_condition);
}

FilteredQuery filtered_flow_runs(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "flow_run", filters, flow_run_condition);
}

FilteredQuery filtered_task_runs(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "task_run", filters, task_run_condition);
}

FilteredQuery filtered_deployments(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "deployment", filters, deployment_condition);
}

FilteredQuery filtered_logs(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "log", filters, log_condition);
}

FilteredQuery filtered_work_pools(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "work_pool", filters, work_pool_condition);
}

FilteredQuery filtered_work_queues(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "work_queue", filters, work_queue_condition);
}

FilteredQuery filtered_artifacts(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "artifact", filters, artifact_condition);
}

FilteredQuery filtered_artifact_collections(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "artifact_collection", filters, artifact_collection_condition);
}

FilteredQuery filtered_variables(const QueryComponents &queries, const FilterSet &filters) {
  return start(queries, "variable", filters, variable_condition);
}

}  // namespace prefectd
