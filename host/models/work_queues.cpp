#include "work_queues.h"

#include "api/error_responses.h"
#include "database/database_interface.h"
#include "filters/column_conditions.h"
#include "filters/related_filters.h"

#include <algorithm>

namespace prefectd {

WorkQueueRef work_queue_by_name(DatabaseInterface &database, Session &session, const std::string &pool_name,
                                const std::string &queue_name) {
  const QueryComponents &q = database.queries();
  Statement find = session.prepare(
      "SELECT wq.id, wq.name, wp.id, wp.name FROM work_queue wq JOIN work_pool wp ON wp.id = wq.work_pool_id "
      "WHERE wp.name = " +
      q.placeholder(1) + " AND wq.name = " + q.placeholder(2));
  find.bind(1, pool_name).bind(2, queue_name);
  if (!find.step()) throw_detail(404, "Work pool queue '" + pool_name + "/" + queue_name + "' not found.");
  return {*find.uuid(0), *find.text(1), *find.uuid(2), *find.text(3)};
}

WorkQueueRef default_work_queue(DatabaseInterface &database, Session &session, const std::string &pool_name) {
  const QueryComponents &q = database.queries();
  Statement find = session.prepare(
      "SELECT wq.id, wq.name, wp.id, wp.name FROM work_pool wp JOIN work_queue wq ON wq.id = wp.default_queue_id "
      "WHERE wp.name = " +
      q.placeholder(1));
  find.bind(1, pool_name);
  if (!find.step()) throw_detail(404, "Work pool \"" + pool_name + "\" not found.");
  return {*find.uuid(0), *find.text(1), *find.uuid(2), *find.text(3)};
}

namespace {

constexpr const char *kWorkQueueColumnList =
    "work_queue.id, work_queue.created, work_queue.updated, work_queue.name, work_queue.filter, "
    "work_queue.description, work_queue.is_paused, work_queue.concurrency_limit, work_queue.last_polled, "
    "work_queue.priority, work_queue.work_pool_id, work_pool.name, work_queue.status";
constexpr const char *kWorkQueueFrom = " FROM work_queue JOIN work_pool ON work_pool.id = work_queue.work_pool_id";
// A queue polled this recently is READY when it is unpaused.
constexpr int64_t kRecentPollMicros = 60'000'000;

WorkQueue work_queue_row(const Statement &row) {
  WorkQueue queue;
  queue.id = *row.uuid(0);
  queue.created = *row.timestamp(1);
  queue.updated = *row.timestamp(2);
  queue.name = *row.text(3);
  queue.filter_json = row.json(4);
  queue.description = row.text(5).value_or("");
  queue.is_paused = row.boolean(6).value_or(false);
  queue.concurrency_limit = row.int64(7);
  queue.last_polled = row.timestamp(8);
  queue.priority = row.int64(9).value_or(1);
  queue.work_pool_id = *row.uuid(10);
  queue.work_pool_name = *row.text(11);
  queue.status = *row.text(12);
  return queue;
}

struct QueuePriority {
  Uuid id;
  int64_t priority;
  int64_t stored;
};

// Keeps the pool's priorities unique and ascending with the fewest
// changes: `moved` takes its new priority, and each queue at or after it
// that would collide moves one down, as Prefect's
// bulk_update_work_queue_priorities does.
void reorder_priorities(DatabaseInterface &database, Session &session, const Uuid &pool_id,
                        std::optional<std::pair<Uuid, int64_t>> moved) {
  const QueryComponents &q = database.queries();
  Statement read = session.prepare("SELECT id, priority FROM work_queue WHERE work_pool_id = " + q.placeholder(1) +
                                   " ORDER BY priority ASC");
  read.bind(1, pool_id);
  std::vector<QueuePriority> queues;
  std::optional<QueuePriority> moved_queue;
  while (read.step()) {
    QueuePriority queue{*read.uuid(0), *read.int64(1), *read.int64(1)};
    if (moved && queue.id == moved->first) {
      queue.priority = moved->second;
      moved_queue = queue;
    } else {
      queues.push_back(queue);
    }
  }
  if (moved_queue) {
    auto place = std::find_if(queues.begin(), queues.end(),
                              [&](const QueuePriority &queue) { return queue.priority >= moved_queue->priority; });
    queues.insert(place, *moved_queue);
  }
  int64_t last = 0;
  for (QueuePriority &queue : queues) {
    if (queue.priority <= last)
      queue.priority = ++last;
    else
      last = queue.priority;
  }
  Statement write =
      session.prepare("UPDATE work_queue SET priority = " + q.placeholder(1) + " WHERE id = " + q.placeholder(2));
  for (const QueuePriority &queue : queues) {
    if (queue.priority == queue.stored) continue;
    write.bind(1, queue.priority).bind(2, queue.id).execute();
    write.reset();
  }
}

// The first priority no queue of the pool holds, counting from 1.
int64_t first_free_priority(DatabaseInterface &database, Session &session, const Uuid &pool_id) {
  Statement read =
      session.prepare("SELECT priority FROM work_queue WHERE work_pool_id = " + database.queries().placeholder(1) +
                      " ORDER BY priority ASC");
  read.bind(1, pool_id);
  int64_t expected = 1;
  while (read.step()) {
    if (*read.int64(0) != expected) return expected;
    ++expected;
  }
  return expected;
}

}  // namespace

std::optional<WorkQueue> create_work_queue(DatabaseInterface &database, Session &session, const Uuid &pool_id,
                                           const WorkQueueCreate &create) {
  const QueryComponents &q = database.queries();
  const Uuid id = Uuid::v4();
  const Timestamp now = Timestamp::now();
  Statement insert = session.prepare(
      "INSERT INTO work_queue (id, created, updated, name, filter, description, is_paused, concurrency_limit, "
      "priority, work_pool_id) VALUES (" +
      q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " + q.placeholder_list(3, 7) + ")" +
      q.upsert_clause({"work_pool_id", "name"}, {}));
  insert.bind(1, id)
      .bind(2, now)
      .bind(3, create.name)
      .bind_json(4, create.filter_json)
      .bind(5, create.description)
      .bind(6, create.is_paused)
      .bind(7, create.concurrency_limit)
      .bind(8, create.priority.value_or(first_free_priority(database, session, pool_id)))
      .bind(9, pool_id);
  if (insert.execute() == 0) return std::nullopt;
  if (create.priority) reorder_priorities(database, session, pool_id, std::pair{id, *create.priority});
  return read_work_queue(database, session, id);
}

std::optional<WorkQueue> read_work_queue(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement read = session.prepare(std::string("SELECT ") + kWorkQueueColumnList + kWorkQueueFrom +
                                   " WHERE work_queue.id = " + database.queries().placeholder(1));
  read.bind(1, id);
  if (!read.step()) return std::nullopt;
  return work_queue_row(read);
}

std::optional<WorkQueue> read_work_queue_by_name(DatabaseInterface &database, Session &session,
                                                 const std::string &pool_name, const std::string &queue_name) {
  const QueryComponents &q = database.queries();
  Statement read =
      session.prepare(std::string("SELECT ") + kWorkQueueColumnList + kWorkQueueFrom +
                      " WHERE work_pool.name = " + q.placeholder(1) + " AND work_queue.name = " + q.placeholder(2));
  read.bind(1, pool_name).bind(2, queue_name);
  if (!read.step()) return std::nullopt;
  return work_queue_row(read);
}

void update_work_queue(DatabaseInterface &database, Session &session, const WorkQueue &queue,
                       const WorkQueueUpdate &update) {
  const QueryComponents &q = database.queries();
  std::optional<std::string> status;
  if (update.is_paused) {
    if (*update.is_paused && queue.status != "PAUSED") status = "PAUSED";
    if (!*update.is_paused && queue.status == "PAUSED") {
      const std::optional<Timestamp> last_polled = update.last_polled_sent ? update.last_polled : queue.last_polled;
      const bool recent = last_polled && Timestamp::now().micros() - last_polled->micros() <= kRecentPollMicros;
      status = recent ? "READY" : "NOT_READY";
    }
  }
  std::string assignments = "updated = " + q.placeholder(1);
  int next = 2;
  auto assign = [&](const char *column) { assignments += std::string(", ") + column + " = " + q.placeholder(next++); };
  if (update.name) assign("name");
  if (update.description_sent) assign("description");
  if (update.is_paused) assign("is_paused");
  if (update.concurrency_limit_sent) assign("concurrency_limit");
  if (update.priority) assign("priority");
  if (update.last_polled_sent) assign("last_polled");
  if (update.filter_sent) assign("filter");
  if (status) assign("status");
  Statement write = session.prepare("UPDATE work_queue SET " + assignments + " WHERE id = " + q.placeholder(next));
  int index = 1;
  write.bind(index++, Timestamp::now());
  if (update.name) write.bind(index++, *update.name);
  if (update.description_sent) write.bind(index++, update.description);
  if (update.is_paused) write.bind(index++, *update.is_paused);
  if (update.concurrency_limit_sent) write.bind(index++, update.concurrency_limit);
  if (update.priority) write.bind(index++, *update.priority);
  if (update.last_polled_sent) write.bind(index++, update.last_polled);
  if (update.filter_sent) write.bind_json(index++, update.filter_json);
  if (status) write.bind(index++, *status);
  write.bind(index, queue.id);
  write.execute();
  if (update.priority) reorder_priorities(database, session, queue.work_pool_id, std::pair{queue.id, *update.priority});
}

void delete_work_queue(DatabaseInterface &database, Session &session, const WorkQueue &queue) {
  session.prepare("DELETE FROM work_queue WHERE id = " + database.queries().placeholder(1)).bind(1, queue.id).execute();
  reorder_priorities(database, session, queue.work_pool_id, std::nullopt);
}

std::vector<WorkQueue> read_work_queues(DatabaseInterface &database, Session &session, const Uuid &pool_id,
                                        const FilterSet &filters, const Page &page) {
  FilteredQuery query = filtered_work_queues(database.queries(), filters);
  query.where("work_queue.work_pool_id = " + query.sql().param(pool_id));
  query.join(" JOIN work_pool ON work_pool.id = work_queue.work_pool_id");
  Statement rows = query.select(session, kWorkQueueColumnList, "work_queue.priority ASC", page);
  std::vector<WorkQueue> queues;
  while (rows.step()) queues.push_back(work_queue_row(rows));
  return queues;
}

int64_t count_work_queue_active_slots(DatabaseInterface &database, Session &session, const Uuid &queue_id) {
  Statement count =
      session.prepare("SELECT count(*) FROM flow_run WHERE work_queue_id = " + database.queries().placeholder(1) +
                      " AND state_type IN ('PENDING', 'RUNNING')");
  count.bind(1, queue_id);
  count.step();
  return count.int64(0).value_or(0);
}

void record_work_queue_polls(DatabaseInterface &database, Session &session, const std::vector<Uuid> &queue_ids) {
  if (queue_ids.empty()) return;
  SqlBuilder sql(database.queries());
  const std::string polled_at = sql.param(Timestamp::now());
  Statement write = session.prepare("UPDATE work_queue SET last_polled = " + polled_at +
                                    ", status = CASE WHEN status = 'NOT_READY' THEN 'READY' ELSE status END WHERE " +
                                    in_list(sql, "id", queue_ids));
  sql.bind(write);
  write.execute();
}

}  // namespace prefectd
