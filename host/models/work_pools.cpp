#include "work_pools.h"

#include "api/error_responses.h"
#include "database/database_interface.h"
#include "filters/related_filters.h"
#include "work_queues.h"

namespace prefectd {
namespace {

constexpr const char *kWorkPoolColumnList =
    "work_pool.id, work_pool.created, work_pool.updated, work_pool.name, work_pool.description, work_pool.type, "
    "work_pool.base_job_template, work_pool.is_paused, work_pool.concurrency_limit, work_pool.default_queue_id, "
    "work_pool.status, work_pool.last_transitioned_status_at, work_pool.last_status_event_id, "
    "work_pool.storage_configuration";

WorkPool work_pool_row(const Statement &row) {
  WorkPool pool;
  pool.id = *row.uuid(0);
  pool.created = *row.timestamp(1);
  pool.updated = *row.timestamp(2);
  pool.name = *row.text(3);
  pool.description = row.text(4);
  pool.type = *row.text(5);
  pool.base_job_template_json = row.json(6).value_or("{}");
  pool.is_paused = row.boolean(7).value_or(false);
  pool.concurrency_limit = row.int64(8);
  pool.default_queue_id = row.uuid(9);
  pool.status = *row.text(10);
  pool.last_transitioned_status_at = row.timestamp(11);
  pool.last_status_event_id = row.uuid(12);
  pool.storage_configuration_json = row.json(13).value_or("{}");
  return pool;
}

template <typename Key>
std::optional<WorkPool> read_by(DatabaseInterface &database, Session &session, const char *column, const Key &key) {
  Statement read = session.prepare(std::string("SELECT ") + kWorkPoolColumnList + " FROM work_pool WHERE " + column +
                                   " = " + database.queries().placeholder(1));
  read.bind(1, key);
  if (!read.step()) return std::nullopt;
  return work_pool_row(read);
}

bool has_online_worker(DatabaseInterface &database, Session &session, const Uuid &pool_id) {
  Statement online = session.prepare("SELECT 1 FROM worker WHERE work_pool_id = " + database.queries().placeholder(1) +
                                     " AND status = 'ONLINE' LIMIT 1");
  online.bind(1, pool_id);
  return online.step();
}

}  // namespace

std::optional<WorkPool> create_work_pool(DatabaseInterface &database, Session &session, const WorkPoolCreate &create) {
  const QueryComponents &q = database.queries();
  WorkPool pool;
  pool.id = Uuid::v4();
  pool.created = pool.updated = Timestamp::now();
  pool.name = create.name;
  pool.description = create.description;
  pool.type = create.type;
  pool.base_job_template_json = create.base_job_template_json;
  pool.is_paused = create.is_paused;
  pool.concurrency_limit = create.concurrency_limit;
  pool.storage_configuration_json = create.storage_configuration_json;
  // An agent pool keeps the column's default; others start paused or not ready.
  if (pool.type != kAgentPoolType && pool.is_paused) pool.status = "PAUSED";
  Statement insert = session.prepare(
      "INSERT INTO work_pool (id, created, updated, name, description, type, base_job_template, is_paused, "
      "concurrency_limit, status, storage_configuration) VALUES (" +
      q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " + q.placeholder_list(3, 8) + ")" +
      q.upsert_clause({"name"}, {}));
  insert.bind(1, pool.id)
      .bind(2, pool.created)
      .bind(3, pool.name)
      .bind(4, pool.description)
      .bind(5, pool.type)
      .bind_json(6, pool.base_job_template_json)
      .bind(7, pool.is_paused)
      .bind(8, pool.concurrency_limit)
      .bind(9, pool.status)
      .bind_json(10, pool.storage_configuration_json);
  if (insert.execute() == 0) return std::nullopt;

  WorkQueueCreate default_queue;
  default_queue.name = "default";
  default_queue.description = "The work pool's default queue.";
  pool.default_queue_id = create_work_queue(database, session, pool.id, default_queue)->id;
  session.prepare("UPDATE work_pool SET default_queue_id = " + q.placeholder(1) + " WHERE id = " + q.placeholder(2))
      .bind(1, *pool.default_queue_id)
      .bind(2, pool.id)
      .execute();
  // Read back: PostgreSQL's jsonb renders the template in its own key order.
  return read_work_pool(database, session, pool.id);
}

std::optional<WorkPool> read_work_pool(DatabaseInterface &database, Session &session, const Uuid &id) {
  return read_by(database, session, "id", id);
}

std::optional<WorkPool> read_work_pool_by_name(DatabaseInterface &database, Session &session, const std::string &name) {
  return read_by(database, session, "name", name);
}

WorkPool existing_work_pool(DatabaseInterface &database, Session &session, const std::string &name) {
  std::optional<WorkPool> pool = read_work_pool_by_name(database, session, name);
  if (!pool) throw_detail(404, "Work pool \"" + name + "\" not found.");
  return std::move(*pool);
}

WorkQueue ensure_work_queue(DatabaseInterface &database, Session &session, const std::string &pool_name,
                            const std::string &queue_name) {
  if (auto queue = read_work_queue_by_name(database, session, pool_name, queue_name)) return std::move(*queue);
  std::optional<WorkPool> pool = read_work_pool_by_name(database, session, pool_name);
  if (!pool && pool_name == kDefaultAgentPoolName) {
    WorkPoolCreate agent_pool;
    agent_pool.name = pool_name;
    agent_pool.storage_configuration_json = storage_configuration_json(nullptr);
    pool = create_work_pool(database, session, agent_pool);
  }
  if (!pool) throw_detail(404, "Work pool \"" + pool_name + "\" not found.");
  WorkQueueCreate queue;
  queue.name = queue_name;
  if (auto created = create_work_queue(database, session, pool->id, queue)) return std::move(*created);
  return *read_work_queue_by_name(database, session, pool_name, queue_name);  // created meanwhile
}

void update_work_pool(DatabaseInterface &database, Session &session, const WorkPool &pool,
                      const WorkPoolUpdate &update) {
  const QueryComponents &q = database.queries();
  std::string assignments = "updated = " + q.placeholder(1);
  int next = 2;
  auto assign = [&](const char *column) { assignments += std::string(", ") + column + " = " + q.placeholder(next++); };
  if (update.description_sent) assign("description");
  if (update.is_paused) assign("is_paused");
  if (update.base_job_template_json) assign("base_job_template");
  if (update.concurrency_limit_sent) assign("concurrency_limit");
  if (update.storage_configuration_json) assign("storage_configuration");
  Statement write = session.prepare("UPDATE work_pool SET " + assignments + " WHERE id = " + q.placeholder(next));
  int index = 1;
  write.bind(index++, Timestamp::now());
  if (update.description_sent) write.bind(index++, update.description);
  if (update.is_paused) write.bind(index++, *update.is_paused);
  if (update.base_job_template_json) write.bind_json(index++, *update.base_job_template_json);
  if (update.concurrency_limit_sent) write.bind(index++, update.concurrency_limit);
  if (update.storage_configuration_json) write.bind_json(index++, *update.storage_configuration_json);
  write.bind(index, pool.id);
  write.execute();

  if (pool.type == kAgentPoolType || !update.is_paused) return;
  if (*update.is_paused) {
    set_work_pool_status(database, session, pool.id, "PAUSED");
  } else {
    set_work_pool_status(database, session, pool.id,
                         has_online_worker(database, session, pool.id) ? "READY" : "NOT_READY");
  }
}

void set_work_pool_status(DatabaseInterface &database, Session &session, const Uuid &pool_id,
                          const std::string &status) {
  const QueryComponents &q = database.queries();
  session
      .prepare("UPDATE work_pool SET status = " + q.placeholder(1) + ", last_status_event_id = " + q.placeholder(2) +
               ", last_transitioned_status_at = " + q.placeholder(3) + " WHERE id = " + q.placeholder(4))
      .bind(1, status)
      .bind(2, Uuid::v7())
      .bind(3, Timestamp::now())
      .bind(4, pool_id)
      .execute();
}

void delete_work_pool(DatabaseInterface &database, Session &session, const Uuid &id) {
  session.prepare("DELETE FROM work_pool WHERE id = " + database.queries().placeholder(1)).bind(1, id).execute();
}

std::vector<WorkPool> read_work_pools(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                      const Page &page) {
  FilteredQuery query = filtered_work_pools(database.queries(), filters);
  Statement rows = query.select(session, kWorkPoolColumnList, "work_pool.name ASC", page);
  std::vector<WorkPool> pools;
  while (rows.step()) pools.push_back(work_pool_row(rows));
  return pools;
}

int64_t count_work_pools(DatabaseInterface &database, Session &session, const FilterSet &filters) {
  return filtered_work_pools(database.queries(), filters).count_rows(session);
}

int64_t count_work_pool_active_slots(DatabaseInterface &database, Session &session, const Uuid &pool_id) {
  Statement count = session.prepare(
      "SELECT count(*) FROM flow_run JOIN work_queue ON work_queue.id = flow_run.work_queue_id "
      "WHERE work_queue.work_pool_id = " +
      database.queries().placeholder(1) + " AND flow_run.state_type IN ('PENDING', 'RUNNING')");
  count.bind(1, pool_id);
  count.step();
  return count.int64(0).value_or(0);
}

}  // namespace prefectd
