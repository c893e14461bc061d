#include "worker_polling.h"

#include "database/database_interface.h"
#include "filters/column_conditions.h"
#include "flow_runs.h"

#include <unordered_map>

namespace prefectd {
namespace {

std::string uuid_array(const std::vector<Uuid> &ids) {
  std::vector<std::string> texts;
  texts.reserve(ids.size());
  for (const Uuid &id : ids) texts.push_back(id.to_string());
  return json_string_array(texts);
}

}  // namespace

std::vector<ScheduledFlowRun> scheduled_flow_runs(DatabaseInterface &database, Session &session,
                                                  const ScheduledRunsRequest &request) {
  const QueryComponents &q = database.queries();
  // The dialect's query picks the runs and their order; the runs are then
  // read as every other flow-run route reads them.
  Statement pick = session.prepare(q.query_template(PD_QUERY_SCHEDULED_FLOW_RUNS_FROM_WORK_POOLS));
  pick.bind_json(1, uuid_array(request.work_pool_ids));
  if (request.work_queue_ids) {
    pick.bind_json(2, uuid_array(*request.work_queue_ids));
  } else {
    pick.bind_null(2);
  }
  pick.bind(3, request.scheduled_before)
      .bind(4, request.scheduled_after)
      .bind(5, request.limit)
      .bind_null(6)
      .bind_null(7)
      .bind(8, true);
  std::vector<ScheduledFlowRun> picked;
  std::vector<Uuid> run_ids;
  int id_column = -1;  // known once a row is there: PostgreSQL describes columns with the result
  while (pick.step()) {
    for (int column = 2; id_column < 0 && column < pick.column_count(); ++column) {
      if (pick.column_name(column) == "id") id_column = column;
    }
    ScheduledFlowRun run{*pick.uuid(0), *pick.uuid(1), {}};
    run.run.id = *pick.uuid(id_column);
    run_ids.push_back(run.run.id);
    picked.push_back(std::move(run));
  }
  if (picked.empty()) return picked;

  SqlBuilder parameters(q);
  const std::string in_ids = in_list(parameters, "flow_run.id", run_ids);
  Statement read = session.prepare(flow_run_select() + " WHERE " + in_ids);
  parameters.bind(read);
  std::unordered_map<std::string, FlowRun> runs;
  while (read.step()) {
    FlowRun run = flow_run_from_row(read);
    std::string key = run.id.to_string();
    runs.emplace(std::move(key), std::move(run));
  }
  std::vector<ScheduledFlowRun> answer;
  for (ScheduledFlowRun &run : picked) {
    auto found = runs.find(run.run.id.to_string());
    if (found == runs.end()) continue;
    run.run = std::move(found->second);
    answer.push_back(std::move(run));
  }
  return answer;
}

void mark_deployments_polled(DatabaseInterface &database, Session &session, const std::vector<Uuid> &queue_ids) {
  if (queue_ids.empty()) return;
  SqlBuilder parameters(database.queries());
  const std::string last_polled = parameters.param(Timestamp::now());
  const std::string in_queues = in_list(parameters, "work_queue_id", queue_ids);
  Statement write =
      session.prepare("UPDATE deployment SET status = 'READY', last_polled = " + last_polled + " WHERE " + in_queues);
  parameters.bind(write);
  write.execute();
}

}  // namespace prefectd
