#include "work_queues.h"

#include "api/error_responses.h"
#include "database/database_interface.h"

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

}  // namespace prefectd
