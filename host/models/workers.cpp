#include "workers.h"

#include "database/database_interface.h"
#include "filters/worker_filter.h"
#include "work_pools.h"

namespace prefectd {
namespace {

constexpr const char *kWorkerColumnList =
    "worker.id, worker.created, worker.updated, worker.name, worker.work_pool_id, worker.last_heartbeat_time, "
    "worker.heartbeat_interval_seconds, worker.status";

Worker worker_row(const Statement &row) {
  return Worker{*row.uuid(0), *row.timestamp(1), *row.timestamp(2), *row.text(3),
                *row.uuid(4), *row.timestamp(5), row.int64(6),      *row.text(7)};
}

}  // namespace

void record_worker_heartbeat(DatabaseInterface &database, Session &session, const WorkPool &pool,
                             const std::string &name, std::optional<int64_t> heartbeat_interval_seconds) {
  const QueryComponents &q = database.queries();
  std::vector<std::string> updates = {"last_heartbeat_time", "status"};
  if (heartbeat_interval_seconds) updates.push_back("heartbeat_interval_seconds");
  const Timestamp now = Timestamp::now();
  session
      .prepare(
          "INSERT INTO worker (id, created, updated, name, work_pool_id, last_heartbeat_time, "
          "heartbeat_interval_seconds, status) VALUES (" +
          q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " + q.placeholder(3) + ", " +
          q.placeholder(4) + ", " + q.placeholder(2) + ", " + q.placeholder(5) + ", 'ONLINE')" +
          q.upsert_clause({"work_pool_id", "name"}, updates))
      .bind(1, Uuid::v4())
      .bind(2, now)
      .bind(3, name)
      .bind(4, pool.id)
      .bind(5, heartbeat_interval_seconds)
      .execute();
  if (pool.type != kAgentPoolType && pool.status == "NOT_READY")
    set_work_pool_status(database, session, pool.id, "READY");
}

std::vector<Worker> read_workers(DatabaseInterface &database, Session &session, const Uuid &pool_id,
                                 const rapidjson::Value *filter, const Page &page) {
  FilteredQuery query(database.queries(), "worker");
  query.where("worker.work_pool_id = " + query.sql().param(pool_id));
  if (filter != nullptr) query.where(worker_filter_condition(query.sql(), *filter, query.alias()));
  Statement rows = query.select(session, kWorkerColumnList, "worker.last_heartbeat_time DESC", page);
  std::vector<Worker> workers;
  while (rows.step()) workers.push_back(worker_row(rows));
  return workers;
}

bool delete_worker(DatabaseInterface &database, Session &session, const Uuid &pool_id, const std::string &name) {
  const QueryComponents &q = database.queries();
  return session
             .prepare("DELETE FROM worker WHERE work_pool_id = " + q.placeholder(1) + " AND name = " + q.placeholder(2))
             .bind(1, pool_id)
             .bind(2, name)
             .execute() > 0;
}

}  // namespace prefectd
