// The filter compiler on each backend: a known data set (flows, deployments,
// work pools and queues, 1,200 flow runs, task runs, logs) is written with
// plain INSERTs, and every filter field and operator, every sort, the
// limit/offset edges and the cross-object combinations are checked against
// answers the test computes itself from the same data.
#include "database/database_interface.h"
#include "database/migrations.h"
#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "filters/related_filters.h"
#include "filters/sorts.h"
#include "support/backends.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prefectd {
namespace {

using std::nullopt;
using std::optional;
using std::string;
using std::vector;

const Timestamp kT0 = *Timestamp::parse("2026-01-01T00:00:00Z");
Timestamp at_minutes(int64_t minutes) {
  return kT0.plus_seconds(static_cast<double>(minutes) * 60);
}
string iso(const Timestamp &time) {
  return time.to_iso8601();
}

const std::array<const char *, 7> kStateTypes = {"SCHEDULED", "PENDING",   "RUNNING", "COMPLETED",
                                                 "FAILED",    "CANCELLED", "CRASHED"};

string capitalized(const string &type) {
  string name = type;
  for (size_t i = 1; i < name.size(); ++i) name[i] = static_cast<char>(std::tolower(name[i]));
  return name;
}

string padded(int number) {
  string text = std::to_string(number);
  return string(4 - std::min<size_t>(4, text.size()), '0') + text;
}

string json_list(const vector<string> &items) {
  string text = "[";
  for (size_t i = 0; i < items.size(); ++i) text += (i ? ",\"" : "\"") + items[i] + "\"";
  return text + "]";
}

bool has(const vector<string> &items, const string &item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

struct WorkPoolRow {
  Uuid id;
  string name, type;
};
struct WorkQueueRow {
  Uuid id;
  string name;
  int pool;
};
struct FlowRow {
  Uuid id;
  string name;
  vector<string> tags;
  Timestamp created, updated;
};
struct DeploymentRow {
  Uuid id;
  string name;
  int flow;
  vector<string> tags;
  bool paused;
  optional<int> queue;
  Timestamp created, updated;
};
struct FlowRunRow {
  Uuid id;
  string name;
  int flow;
  optional<int> deployment;
  optional<string> state_type, state_name;
  vector<string> tags;
  optional<Timestamp> expected_start_time, start_time, end_time, next_scheduled_start_time;
  string flow_version;
  optional<int> queue;
  optional<string> work_queue_name;
  optional<string> idempotency_key;
  optional<string> created_by_id, created_by_type;
  optional<int> parent_task;
};
struct TaskRunRow {
  Uuid id;
  string name;
  optional<int> flow_run;
  string state_type, state_name;
  vector<string> tags;
  optional<Timestamp> expected_start_time, start_time, end_time, next_scheduled_start_time;
};
struct LogRow {
  Uuid id;
  string name, message;
  int level;
  Timestamp timestamp;
  optional<int> flow_run, task_run;
};

// The data set, built by rules simple enough to reason about in the checks.
struct DataSet {
  vector<WorkPoolRow> pools;
  vector<WorkQueueRow> queues;
  vector<FlowRow> flows;
  vector<DeploymentRow> deployments;
  vector<FlowRunRow> runs;
  vector<TaskRunRow> tasks;
  vector<LogRow> logs;
  Uuid automation_id = Uuid::v4();

  DataSet() {
    pools = {{Uuid::v4(), "pool-alpha", "process"}, {Uuid::v4(), "pool-beta", "docker"}};
    queues = {{Uuid::v4(), "default", 0}, {Uuid::v4(), "critical", 0}, {Uuid::v4(), "default", 1}};
    const std::array<const char *, 6> flow_names = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"};
    for (int i = 0; i < 6; ++i) {
      vector<string> tags = i % 3 == 0   ? vector<string>{}
                            : i % 3 == 1 ? vector<string>{"etl", "prod"}
                                         : vector<string>{"etl"};
      Timestamp created = at_minutes(60 * ((i * 4) % 6) + i);
      flows.push_back({Uuid::v4(), flow_names[i], tags, created, at_minutes(1000 - 7 * i)});
    }
    deployments = {
        {Uuid::v4(), "nightly", 0, {"prod"}, false, 0, at_minutes(5), at_minutes(50)},
        {Uuid::v4(), "hourly", 0, {"prod", "fast"}, false, 1, at_minutes(4), at_minutes(60)},
        {Uuid::v4(), "nightly", 1, {}, false, 2, at_minutes(3), at_minutes(40)},
        {Uuid::v4(), "adhoc", 2, {"dev"}, true, nullopt, at_minutes(2), at_minutes(70)},
        {Uuid::v4(), "weekly", 2, {"prod"}, false, 0, at_minutes(1), at_minutes(30)},
    };
    for (int i = 0; i < 1200; ++i) runs.push_back(make_run(i));
    for (int j = 0; j < 700; ++j) tasks.push_back(make_task(j));
    // Subflows: every 50th run (from 7) has a parent task run that belongs to a run.
    for (int i = 7; i < 1200; i += 50) runs[i].parent_task = ((i / 50) * 10) % 700;
    for (int k = 0; k < 600; ++k) logs.push_back(make_log(k));
  }

  vector<int> deployments_of(int flow) const {
    vector<int> found;
    for (int d = 0; d < static_cast<int>(deployments.size()); ++d) {
      if (deployments[d].flow == flow) found.push_back(d);
    }
    return found;
  }

  FlowRunRow make_run(int i) {
    FlowRunRow run;
    run.id = Uuid::v4();
    run.name = "run" + padded(i);
    run.flow = i % 6;
    if (auto own = deployments_of(run.flow); !own.empty() && i % 4 != 0) run.deployment = own[(i / 6) % own.size()];
    if (i % 13 != 0) {
      run.state_type = kStateTypes[i % 7];
      run.state_name = (i % 7 == 0 && i % 2 == 0) ? "Late" : capitalized(*run.state_type);
    }
    const std::array<vector<string>, 5> tag_sets = {vector<string>{}, vector<string>{"a"}, vector<string>{"a", "b"},
                                                    vector<string>{"b", "c"}, vector<string>{"c"}};
    run.tags = tag_sets[i % 5];
    if (i % 17 != 0) run.expected_start_time = at_minutes(10 * i);
    const bool started = i % 7 >= 2 && i % 13 != 0;
    if (started && i % 3 != 0) run.start_time = at_minutes(10 * i + (i % 7) - (i % 11) * 3);
    if (run.start_time && i % 7 >= 3) run.end_time = run.start_time->plus_seconds(300 + i % 9);
    if (run.state_type == "SCHEDULED") run.next_scheduled_start_time = run.expected_start_time;
    run.flow_version = "v" + std::to_string(i % 3);
    if (run.deployment) {
      run.queue = deployments[*run.deployment].queue;
    } else if (i % 3 == 1) {
      run.queue = 1;
    }
    if (run.queue) run.work_queue_name = queues[*run.queue].name;
    if (i % 10 == 0) run.idempotency_key = "key-" + std::to_string(i);
    if (i % 4 == 1 && run.deployment) {
      run.created_by_id = deployments[*run.deployment].id.to_string();
      run.created_by_type = "DEPLOYMENT";
    } else if (i % 4 == 2) {
      run.created_by_id = automation_id.to_string();
      run.created_by_type = "AUTOMATION";
    }
    return run;
  }

  TaskRunRow make_task(int j) {
    TaskRunRow task;
    task.id = Uuid::v4();
    task.name = "task" + padded(j);
    if (j % 10 != 9) task.flow_run = (j * 3) % 1200;
    task.state_type = kStateTypes[j % 7];
    task.state_name = capitalized(task.state_type);
    task.tags = j % 3 == 0 ? vector<string>{} : j % 3 == 1 ? vector<string>{"x"} : vector<string>{"x", "y"};
    task.expected_start_time = at_minutes(7 * j - 1);
    if (j % 4 != 0) task.start_time = at_minutes(7 * j);
    if (task.start_time && j % 3 != 0) task.end_time = task.start_time->plus_seconds(120 + j % 5);
    if (j % 5 == 0) task.next_scheduled_start_time = at_minutes(j);
    return task;
  }

  LogRow make_log(int k) {
    const std::array<const char *, 6> messages = {
        "Starting run",     "Connection timeout after retry", "ERROR: disk full",
        "debug: cache hit", "Finished in state Completed()",  "connection reset; Timeout pending"};
    LogRow log;
    log.id = Uuid::v7();
    log.name = k % 2 ? "prefect.flow_runs" : "prefect.task_runs";
    log.message = string(messages[k % 6]) + " #" + std::to_string(k);
    log.level = 10 * (1 + k % 5);
    log.timestamp = at_minutes(3 * k + (k % 4));
    if (k % 7 != 0) log.flow_run = k % 1200;
    if (k % 3 == 0) log.task_run = k % 700;
    return log;
  }
};

template <typename Row>
std::set<Uuid> ids_where(const vector<Row> &rows, const std::function<bool(const Row &)> &keep) {
  std::set<Uuid> ids;
  for (const Row &row : rows) {
    if (keep(row)) ids.insert(row.id);
  }
  return ids;
}

class FilterCompiler : public testing_support::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    MigrationRunner(*database_).upgrade();
    seed();
  }

  bool postgres() const { return GetParam() == "postgres"; }
  string p(int index) const { return database_->queries().placeholder(index); }
  string placeholders(int count) const {
    string text;
    for (int i = 1; i <= count; ++i) text += (i > 1 ? ", " : "") + p(i);
    return text;
  }

  template <typename Value>
  static void bind_optional(Statement &statement, int index, const optional<Value> &value) {
    if (value) {
      statement.bind(index, *value);
    } else {
      statement.bind_null(index);
    }
  }

  void seed() {
    Session session = database_->session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    for (const auto &pool : data_.pools) {
      session.prepare("INSERT INTO work_pool (id, name, type) VALUES (" + placeholders(3) + ")")
          .bind(1, pool.id)
          .bind(2, pool.name)
          .bind(3, pool.type)
          .execute();
    }
    for (const auto &queue : data_.queues) {
      session.prepare("INSERT INTO work_queue (id, name, work_pool_id) VALUES (" + placeholders(3) + ")")
          .bind(1, queue.id)
          .bind(2, queue.name)
          .bind(3, data_.pools[queue.pool].id)
          .execute();
    }
    for (const auto &flow : data_.flows) {
      session.prepare("INSERT INTO flow (id, name, tags, created, updated) VALUES (" + placeholders(5) + ")")
          .bind(1, flow.id)
          .bind(2, flow.name)
          .bind_json(3, json_list(flow.tags))
          .bind(4, flow.created)
          .bind(5, flow.updated)
          .execute();
    }
    for (const auto &deployment : data_.deployments) {
      Statement insert = session.prepare(
          "INSERT INTO deployment (id, name, flow_id, tags, paused, work_queue_id, work_queue_name, created, updated) "
          "VALUES (" +
          placeholders(9) + ")");
      insert.bind(1, deployment.id)
          .bind(2, deployment.name)
          .bind(3, data_.flows[deployment.flow].id)
          .bind_json(4, json_list(deployment.tags))
          .bind(5, deployment.paused);
      bind_optional(insert, 6, deployment.queue ? optional<Uuid>(data_.queues[*deployment.queue].id) : nullopt);
      bind_optional(insert, 7, deployment.queue ? optional<string>(data_.queues[*deployment.queue].name) : nullopt);
      insert.bind(8, deployment.created).bind(9, deployment.updated).execute();
    }
    Statement run_insert = session.prepare(
        "INSERT INTO flow_run (id, name, flow_id, deployment_id, state_type, state_name, tags, expected_start_time, "
        "start_time, end_time, next_scheduled_start_time, flow_version, work_queue_id, work_queue_name, "
        "idempotency_key, created_by) VALUES (" +
        placeholders(16) + ")");
    for (const auto &run : data_.runs) {
      run_insert.reset();
      run_insert.bind(1, run.id).bind(2, run.name).bind(3, data_.flows[run.flow].id);
      bind_optional(run_insert, 4, run.deployment ? optional<Uuid>(data_.deployments[*run.deployment].id) : nullopt);
      bind_optional(run_insert, 5, run.state_type);
      bind_optional(run_insert, 6, run.state_name);
      run_insert.bind_json(7, json_list(run.tags));
      bind_optional(run_insert, 8, run.expected_start_time);
      bind_optional(run_insert, 9, run.start_time);
      bind_optional(run_insert, 10, run.end_time);
      bind_optional(run_insert, 11, run.next_scheduled_start_time);
      run_insert.bind(12, run.flow_version);
      bind_optional(run_insert, 13, run.queue ? optional<Uuid>(data_.queues[*run.queue].id) : nullopt);
      bind_optional(run_insert, 14, run.work_queue_name);
      bind_optional(run_insert, 15, run.idempotency_key);
      if (run.created_by_id) {
        run_insert.bind_json(16, R"({"id": ")" + *run.created_by_id + R"(", "type": ")" + *run.created_by_type +
                                     R"(", "display_value": "creator"})");
      } else {
        run_insert.bind_null(16);
      }
      run_insert.execute();
    }
    Statement task_insert = session.prepare(
        "INSERT INTO task_run (id, name, flow_run_id, task_key, dynamic_key, state_type, state_name, tags, "
        "expected_start_time, start_time, end_time, next_scheduled_start_time) VALUES (" +
        placeholders(12) + ")");
    for (const auto &task : data_.tasks) {
      task_insert.reset();
      task_insert.bind(1, task.id).bind(2, task.name);
      bind_optional(task_insert, 3, task.flow_run ? optional<Uuid>(data_.runs[*task.flow_run].id) : nullopt);
      task_insert.bind(4, "key-" + task.name).bind(5, "0").bind(6, task.state_type).bind(7, task.state_name);
      task_insert.bind_json(8, json_list(task.tags));
      bind_optional(task_insert, 9, task.expected_start_time);
      bind_optional(task_insert, 10, task.start_time);
      bind_optional(task_insert, 11, task.end_time);
      bind_optional(task_insert, 12, task.next_scheduled_start_time);
      task_insert.execute();
    }
    for (const auto &run : data_.runs) {
      if (!run.parent_task) continue;
      session.prepare("UPDATE flow_run SET parent_task_run_id = " + p(1) + " WHERE id = " + p(2))
          .bind(1, data_.tasks[*run.parent_task].id)
          .bind(2, run.id)
          .execute();
    }
    Statement log_insert =
        session.prepare("INSERT INTO log (id, name, level, flow_run_id, task_run_id, message, \"timestamp\") VALUES (" +
                        placeholders(7) + ")");
    for (const auto &log : data_.logs) {
      log_insert.reset();
      log_insert.bind(1, log.id).bind(2, log.name).bind(3, log.level);
      bind_optional(log_insert, 4, log.flow_run ? optional<Uuid>(data_.runs[*log.flow_run].id) : nullopt);
      bind_optional(log_insert, 5, log.task_run ? optional<Uuid>(data_.tasks[*log.task_run].id) : nullopt);
      log_insert.bind(6, log.message).bind(7, log.timestamp).execute();
    }
    transaction.commit();
  }

  using QueryStarter = FilteredQuery (*)(const QueryComponents &, const FilterSet &);

  // The ids the compiled body selects, in order.
  vector<Uuid> select_ids(QueryStarter start, const string &body_json, const string &order_by_sort = "",
                          std::string (*sort)(std::string_view, std::string_view) = nullptr, Page page = {}) {
    rapidjson::Document body;
    body.Parse(body_json.c_str());
    EXPECT_FALSE(body.HasParseError()) << body_json;
    FilteredQuery query = start(database_->queries(), FilterSet::from_body(body));
    Session session = database_->session();
    const string order = sort != nullptr ? sort(order_by_sort, query.alias()) : "";
    Statement rows = query.select(session, query.alias() + ".id", order, page);
    vector<Uuid> ids;
    while (rows.step()) ids.push_back(*rows.uuid(0));
    return ids;
  }

  std::set<Uuid> selected(QueryStarter start, const string &body_json) {
    auto ids = select_ids(start, body_json);
    std::set<Uuid> unique(ids.begin(), ids.end());
    EXPECT_EQ(unique.size(), ids.size()) << "duplicate rows for " << body_json;
    return unique;
  }

  int64_t counted(QueryStarter start, const string &body_json) {
    rapidjson::Document body;
    body.Parse(body_json.c_str());
    FilteredQuery query = start(database_->queries(), FilterSet::from_body(body));
    Session session = database_->session();
    return query.count_rows(session);
  }

  void expect_runs(const string &body, const std::function<bool(const FlowRunRow &)> &keep) {
    SCOPED_TRACE(body);
    auto expected = ids_where(data_.runs, keep);
    EXPECT_EQ(selected(filtered_flow_runs, body), expected);
    EXPECT_EQ(counted(filtered_flow_runs, body), static_cast<int64_t>(expected.size()));
  }
  void expect_tasks(const string &body, const std::function<bool(const TaskRunRow &)> &keep) {
    SCOPED_TRACE(body);
    EXPECT_EQ(selected(filtered_task_runs, body), ids_where(data_.tasks, keep));
  }
  void expect_flows(const string &body, const std::function<bool(const FlowRow &)> &keep) {
    SCOPED_TRACE(body);
    auto expected = ids_where(data_.flows, keep);
    EXPECT_EQ(selected(filtered_flows, body), expected);
    EXPECT_EQ(counted(filtered_flows, body), static_cast<int64_t>(expected.size()));
  }
  void expect_deployments(const string &body, const std::function<bool(const DeploymentRow &)> &keep) {
    SCOPED_TRACE(body);
    EXPECT_EQ(selected(filtered_deployments, body), ids_where(data_.deployments, keep));
  }
  void expect_logs(const string &body, const std::function<bool(const LogRow &)> &keep) {
    SCOPED_TRACE(body);
    EXPECT_EQ(selected(filtered_logs, body), ids_where(data_.logs, keep));
  }

  // Where the database puts NULL: PostgreSQL after every value, SQLite before.
  template <typename Key>
  bool before(const optional<Key> &left, const optional<Key> &right, bool descending) const {
    if (left.has_value() != right.has_value()) {
      const bool null_is_largest = postgres();
      const bool left_larger = left.has_value() ? !null_is_largest : null_is_largest;
      return descending ? left_larger : !left_larger;
    }
    if (!left || *left == *right) return false;
    return descending ? *right < *left : *left < *right;
  }

  // Rows ordered by `key` (then id, in the same direction), as ids.
  template <typename Row, typename Key>
  vector<Uuid> ordered(vector<Row> rows, const std::function<optional<Key>(const Row &)> &key, bool descending) const {
    std::stable_sort(rows.begin(), rows.end(), [&](const Row &left, const Row &right) {
      const auto a = key(left), b = key(right);
      if (before(a, b, descending)) return true;
      if (before(b, a, descending)) return false;
      return descending ? right.id < left.id : left.id < right.id;
    });
    vector<Uuid> ids;
    for (const Row &row : rows) ids.push_back(row.id);
    return ids;
  }

  string uuid_list(const vector<Uuid> &ids) const {
    vector<string> texts;
    for (const auto &id : ids) texts.push_back(id.to_string());
    return json_list(texts);
  }

  DataSet data_;
};

TEST_P(FilterCompiler, SeededDataSetHasTheExpectedSize) {
  EXPECT_EQ(counted(filtered_flow_runs, "{}"), 1200);
  EXPECT_EQ(counted(filtered_task_runs, "{}"), 700);
  EXPECT_EQ(counted(filtered_logs, "{}"), 600);
  EXPECT_EQ(counted(filtered_flows, "{}"), 6);
  EXPECT_EQ(counted(filtered_deployments, "{}"), 5);
}

TEST_P(FilterCompiler, FlowRunIdNameAndTags) {
  const auto &r = data_.runs;
  expect_runs(R"({"flow_runs": {"id": {"any_": )" + uuid_list({r[3].id, r[700].id}) + "}}}",
              [&](const FlowRunRow &run) { return run.id == r[3].id || run.id == r[700].id; });
  expect_runs(R"({"flow_runs": {"id": {"any_": []}}})", [](const FlowRunRow &) { return false; });
  expect_runs(R"({"flow_runs": {"id": {"not_any_": )" + uuid_list({r[5].id}) + "}}}",
              [&](const FlowRunRow &run) { return run.id != r[5].id; });
  expect_runs(R"({"flow_runs": {"id": {"not_any_": []}}})", [](const FlowRunRow &) { return true; });
  expect_runs(R"({"flow_runs": {"name": {"any_": ["run0001", "run1199", "nobody"]}}})",
              [](const FlowRunRow &run) { return run.name == "run0001" || run.name == "run1199"; });
  expect_runs(R"({"flow_runs": {"name": {"like_": "RUN00"}}})",
              [](const FlowRunRow &run) { return run.name.starts_with("run00"); });
  expect_runs(R"({"flow_runs": {"name": {"like_": ""}}})", [](const FlowRunRow &) { return true; });
  expect_runs(R"({"flow_runs": {"name": {"like_": "n1_9"}}})", [](const FlowRunRow &run) {
    return run.name.size() == 7 && run.name.substr(2, 2) == "n1" && run.name[5] == '9';  // `_` is a wildcard
  });
  expect_runs(R"({"flow_runs": {"tags": {"all_": ["a", "b"]}}})",
              [](const FlowRunRow &run) { return has(run.tags, "a") && has(run.tags, "b"); });
  expect_runs(R"({"flow_runs": {"tags": {"all_": []}}})", [](const FlowRunRow &) { return true; });
  expect_runs(R"({"flow_runs": {"tags": {"any_": ["a", "c"]}}})",
              [](const FlowRunRow &run) { return has(run.tags, "a") || has(run.tags, "c"); });
  expect_runs(R"({"flow_runs": {"tags": {"any_": []}}})", [](const FlowRunRow &) { return false; });
  expect_runs(R"({"flow_runs": {"tags": {"is_null_": true}}})", [](const FlowRunRow &run) { return run.tags.empty(); });
  expect_runs(R"({"flow_runs": {"tags": {"is_null_": false}}})",
              [](const FlowRunRow &run) { return !run.tags.empty(); });
  expect_runs(R"({"flow_runs": {"tags": {"operator": "or_", "all_": ["b", "c"], "is_null_": true}}})",
              [](const FlowRunRow &run) { return (has(run.tags, "b") && has(run.tags, "c")) || run.tags.empty(); });
  expect_runs(R"({"flow_runs": {"tags": null, "name": null}})", [](const FlowRunRow &) { return true; });
}

TEST_P(FilterCompiler, FlowRunState) {
  expect_runs(R"({"flow_runs": {"state": {"type": {"any_": ["FAILED", "CRASHED"]}}}})",
              [](const FlowRunRow &run) { return run.state_type == "FAILED" || run.state_type == "CRASHED"; });
  // NOT IN leaves out runs without a state, as SQL does for Prefect.
  expect_runs(R"({"flow_runs": {"state": {"type": {"not_any_": ["SCHEDULED", "PENDING"]}}}})",
              [](const FlowRunRow &run) {
                return run.state_type && run.state_type != "SCHEDULED" && run.state_type != "PENDING";
              });
  // Prefect's quirk: a type with both any_ and not_any_ is dropped.
  expect_runs(R"({"flow_runs": {"state": {"type": {"any_": ["FAILED"], "not_any_": ["FAILED"]}}}})",
              [](const FlowRunRow &) { return true; });
  expect_runs(R"({"flow_runs": {"state": {"name": {"any_": ["Late"]}}}})",
              [](const FlowRunRow &run) { return run.state_name == "Late"; });
  expect_runs(R"({"flow_runs": {"state": {"name": {"not_any_": ["Late", "Scheduled"]}}}})", [](const FlowRunRow &run) {
    return run.state_name && run.state_name != "Late" && run.state_name != "Scheduled";
  });
  expect_runs(R"({"flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}, "name": {"any_": ["Scheduled"]}}}})",
              [](const FlowRunRow &run) { return run.state_name == "Scheduled"; });
  expect_runs(
      R"({"flow_runs": {"state": {"operator": "or_", "type": {"any_": ["RUNNING"]}, "name": {"any_": ["Late"]}}}})",
      [](const FlowRunRow &run) { return run.state_type == "RUNNING" || run.state_name == "Late"; });
}

TEST_P(FilterCompiler, FlowRunTimes) {
  const Timestamp t1 = at_minutes(3000), t2 = at_minutes(9000);
  auto start_or_expected = [](const FlowRunRow &run) {
    return run.start_time ? run.start_time : run.expected_start_time;
  };
  expect_runs(R"({"flow_runs": {"start_time": {"after_": ")" + iso(t1) + R"(", "before_": ")" + iso(t2) + "\"}}}",
              [&](const FlowRunRow &run) {
                auto time = start_or_expected(run);
                return time && *time >= t1 && *time <= t2;
              });
  expect_runs(R"({"flow_runs": {"start_time": {"is_null_": true}}})",
              [](const FlowRunRow &run) { return !run.start_time; });
  expect_runs(R"({"flow_runs": {"start_time": {"is_null_": false, "before_": ")" + iso(t1) + "\"}}}",
              [&](const FlowRunRow &run) { return run.start_time && *run.start_time <= t1; });
  expect_runs(R"({"flow_runs": {"end_time": {"after_": ")" + iso(t2) + "\"}}}",
              [&](const FlowRunRow &run) { return run.end_time && *run.end_time >= t2; });
  expect_runs(R"({"flow_runs": {"end_time": {"is_null_": false}}})",
              [](const FlowRunRow &run) { return run.end_time.has_value(); });
  // Inclusive bounds: exactly the expected start of run 300.
  expect_runs(R"({"flow_runs": {"expected_start_time": {"after_": ")" + iso(at_minutes(3000)) + R"(", "before_": ")" +
                  iso(at_minutes(3000)) + "\"}}}",
              [](const FlowRunRow &run) { return run.name == "run0300"; });
  expect_runs(
      R"({"flow_runs": {"next_scheduled_start_time": {"before_": ")" + iso(t2) + "\"}}}",
      [&](const FlowRunRow &run) { return run.next_scheduled_start_time && *run.next_scheduled_start_time <= t2; });
  expect_runs(R"({"flow_runs": {"next_scheduled_start_time": {"before_": null, "after_": null}}})",
              [](const FlowRunRow &) { return true; });
}

TEST_P(FilterCompiler, FlowRunReferences) {
  const auto &d = data_.deployments;
  expect_runs(R"({"flow_runs": {"deployment_id": {"any_": )" + uuid_list({d[1].id, d[3].id}) + "}}}",
              [](const FlowRunRow &run) { return run.deployment == 1 || run.deployment == 3; });
  expect_runs(R"({"flow_runs": {"deployment_id": {"is_null_": true}}})",
              [](const FlowRunRow &run) { return !run.deployment; });
  expect_runs(R"({"flow_runs": {"deployment_id": {"operator": "or_", "is_null_": true, "any_": )" +
                  uuid_list({d[0].id}) + "}}}",
              [](const FlowRunRow &run) { return !run.deployment || run.deployment == 0; });
  expect_runs(R"({"flow_runs": {"work_queue_name": {"any_": ["critical"]}}})",
              [](const FlowRunRow &run) { return run.work_queue_name == "critical"; });
  expect_runs(R"({"flow_runs": {"work_queue_name": {"is_null_": false}}})",
              [](const FlowRunRow &run) { return run.work_queue_name.has_value(); });
  expect_runs(R"({"flow_runs": {"flow_version": {"any_": ["v1", "v2"]}}})",
              [](const FlowRunRow &run) { return run.flow_version != "v0"; });
  expect_runs(R"({"flow_runs": {"idempotency_key": {"any_": ["key-10", "key-20"]}}})",
              [](const FlowRunRow &run) { return run.idempotency_key == "key-10" || run.idempotency_key == "key-20"; });
  expect_runs(R"({"flow_runs": {"idempotency_key": {"not_any_": ["key-10"]}}})",
              [](const FlowRunRow &run) { return run.idempotency_key && run.idempotency_key != "key-10"; });
  const Uuid parent_task = data_.tasks[10].id;
  expect_runs(R"({"flow_runs": {"parent_task_run_id": {"any_": )" + uuid_list({parent_task}) + "}}}",
              [](const FlowRunRow &run) { return run.parent_task == 10; });
  expect_runs(R"({"flow_runs": {"parent_task_run_id": {"is_null_": false}}})",
              [](const FlowRunRow &run) { return run.parent_task.has_value(); });
  // Subflows of run 30 (task 10 belongs to run 30).
  ASSERT_EQ(data_.tasks[10].flow_run, 30);
  expect_runs(R"({"flow_runs": {"parent_flow_run_id": {"any_": )" + uuid_list({data_.runs[30].id}) + "}}}",
              [&](const FlowRunRow &run) { return run.parent_task && data_.tasks[*run.parent_task].flow_run == 30; });
  expect_runs(R"({"flow_runs": {"created_by": {"type_": ["AUTOMATION"]}}})",
              [](const FlowRunRow &run) { return run.created_by_type == "AUTOMATION"; });
  expect_runs(R"({"flow_runs": {"created_by": {"id_": )" + uuid_list({d[0].id, data_.automation_id}) + "}}}",
              [&](const FlowRunRow &run) {
                return run.created_by_id == d[0].id.to_string() || run.created_by_id == data_.automation_id.to_string();
              });
  expect_runs(R"({"flow_runs": {"created_by": {"is_null_": true}}})",
              [](const FlowRunRow &run) { return !run.created_by_id; });
}

TEST_P(FilterCompiler, FlowRunOperatorCombinesFieldsAndAnEmptyFieldIsTrue) {
  expect_runs(R"({"flow_runs": {"operator": "or_", "name": {"any_": ["run0002"]}, "tags": {"all_": ["c"]}}})",
              [](const FlowRunRow &run) { return run.name == "run0002" || has(run.tags, "c"); });
  expect_runs(R"({"flow_runs": {"name": {"like_": "run01"}, "tags": {"all_": ["c"]}}})",
              [](const FlowRunRow &run) { return run.name.starts_with("run01") && has(run.tags, "c"); });
  // A populated field ORed with one that has no criteria: the empty one is TRUE.
  expect_runs(R"({"flow_runs": {"operator": "or_", "name": {"any_": ["run0002"]}, "id": {}}})",
              [](const FlowRunRow &) { return true; });
  expect_runs(R"({"flow_runs": {}})", [](const FlowRunRow &) { return true; });
}

TEST_P(FilterCompiler, TaskRunFields) {
  const auto &t = data_.tasks;
  const Timestamp t1 = at_minutes(1000), t2 = at_minutes(3000);
  expect_tasks(R"({"task_runs": {"id": {"any_": )" + uuid_list({t[1].id, t[2].id}) + "}}}",
               [&](const TaskRunRow &task) { return task.id == t[1].id || task.id == t[2].id; });
  expect_tasks(R"({"task_runs": {"name": {"like_": "TASK01"}}})",
               [](const TaskRunRow &task) { return task.name.starts_with("task01"); });
  expect_tasks(R"({"task_runs": {"tags": {"all_": ["y"]}}})",
               [](const TaskRunRow &task) { return has(task.tags, "y"); });
  expect_tasks(R"({"task_runs": {"tags": {"is_null_": true}}})",
               [](const TaskRunRow &task) { return task.tags.empty(); });
  expect_tasks(R"({"task_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}})",
               [](const TaskRunRow &task) { return task.state_type == "COMPLETED"; });
  expect_tasks(
      R"({"task_runs": {"state": {"operator": "or_", "type": {"any_": ["FAILED"]}, "name": {"any_": ["Running"]}}}})",
      [](const TaskRunRow &task) { return task.state_type == "FAILED" || task.state_name == "Running"; });
  expect_tasks(
      R"({"task_runs": {"start_time": {"after_": ")" + iso(t1) + R"(", "before_": ")" + iso(t2) + "\"}}}",
      [&](const TaskRunRow &task) { return task.start_time && *task.start_time >= t1 && *task.start_time <= t2; });
  expect_tasks(R"({"task_runs": {"start_time": {"is_null_": true}}})",
               [](const TaskRunRow &task) { return !task.start_time; });
  expect_tasks(R"({"task_runs": {"end_time": {"before_": ")" + iso(t1) + "\"}}}",
               [&](const TaskRunRow &task) { return task.end_time && *task.end_time <= t1; });
  expect_tasks(R"({"task_runs": {"end_time": {"is_null_": true}}})",
               [](const TaskRunRow &task) { return !task.end_time; });
  expect_tasks(R"({"task_runs": {"expected_start_time": {"before_": ")" + iso(t1) + "\"}}}",
               [&](const TaskRunRow &task) { return *task.expected_start_time <= t1; });
  std::set<int> parents;
  for (const auto &run : data_.runs) {
    if (run.parent_task) parents.insert(*run.parent_task);
  }
  auto index_of = [&](const TaskRunRow &task) { return static_cast<int>(&task - data_.tasks.data()); };
  expect_tasks(R"({"task_runs": {"subflow_runs": {"exists_": true}}})",
               [&](const TaskRunRow &task) { return parents.count(index_of(task)) > 0; });
  expect_tasks(R"({"task_runs": {"subflow_runs": {"exists_": false}}})",
               [&](const TaskRunRow &task) { return parents.count(index_of(task)) == 0; });
  // flow_run_id: {} means "has a flow run"; is_null_ true wins over any_.
  expect_tasks(R"({"task_runs": {"flow_run_id": {}}})",
               [](const TaskRunRow &task) { return task.flow_run.has_value(); });
  expect_tasks(R"({"task_runs": {"flow_run_id": {"is_null_": true, "any_": )" + uuid_list({data_.runs[0].id}) + "}}}",
               [](const TaskRunRow &task) { return !task.flow_run; });
  expect_tasks(R"({"task_runs": {"flow_run_id": {"any_": )" + uuid_list({data_.runs[3].id}) + "}}}",
               [](const TaskRunRow &task) { return task.flow_run == 3; });
  expect_tasks(R"({"task_runs": {"flow_run_id": {"is_null_": null}}})", [](const TaskRunRow &) { return true; });
}

TEST_P(FilterCompiler, FlowFields) {
  const auto &f = data_.flows;
  expect_flows(R"({"flows": {"id": {"any_": )" + uuid_list({f[0].id, f[4].id}) + "}}}",
               [&](const FlowRow &flow) { return flow.id == f[0].id || flow.id == f[4].id; });
  expect_flows(R"({"flows": {"id": {"not_any_": )" + uuid_list({f[0].id}) + "}}}",
               [&](const FlowRow &flow) { return flow.id != f[0].id; });
  expect_flows(R"({"flows": {"name": {"any_": ["delta"]}}})", [](const FlowRow &flow) { return flow.name == "delta"; });
  expect_flows(R"({"flows": {"name": {"like_": "HA"}}})",
               [](const FlowRow &flow) { return flow.name == "alpha" || flow.name == "charlie"; });
  expect_flows(R"({"flows": {"tags": {"all_": ["etl", "prod"]}}})",
               [](const FlowRow &flow) { return has(flow.tags, "prod"); });
  expect_flows(R"({"flows": {"tags": {"is_null_": true}}})", [](const FlowRow &flow) { return flow.tags.empty(); });
  expect_flows(R"({"flows": {"deployment": {"is_null_": true}}})",
               [&](const FlowRow &flow) { return data_.deployments_of(static_cast<int>(&flow - f.data())).empty(); });
  expect_flows(R"({"flows": {"deployment": {"is_null_": false}}})",
               [&](const FlowRow &flow) { return !data_.deployments_of(static_cast<int>(&flow - f.data())).empty(); });
  expect_flows(R"({"flows": {"operator": "or_", "name": {"any_": ["echo"]}, "tags": {"all_": ["prod"]}}})",
               [](const FlowRow &flow) { return flow.name == "echo" || has(flow.tags, "prod"); });
}

TEST_P(FilterCompiler, DeploymentFields) {
  const auto &d = data_.deployments;
  expect_deployments(R"({"deployments": {"id": {"not_any_": )" + uuid_list({d[0].id}) + "}}}",
                     [&](const DeploymentRow &deployment) { return deployment.id != d[0].id; });
  expect_deployments(R"({"deployments": {"name": {"any_": ["nightly"]}}})",
                     [](const DeploymentRow &deployment) { return deployment.name == "nightly"; });
  expect_deployments(R"({"deployments": {"name": {"like_": "LY"}}})",
                     [](const DeploymentRow &deployment) { return deployment.name != "adhoc"; });
  // "char" is in flow charlie's name (deployments adhoc, weekly); "hoc" in a deployment's.
  expect_deployments(R"({"deployments": {"flow_or_deployment_name": {"like_": "CHAR"}}})",
                     [](const DeploymentRow &deployment) { return deployment.flow == 2; });
  expect_deployments(R"({"deployments": {"flow_or_deployment_name": {"like_": "hoc"}}})",
                     [](const DeploymentRow &deployment) { return deployment.name == "adhoc"; });
  expect_deployments(R"({"deployments": {"paused": {"eq_": true}}})",
                     [](const DeploymentRow &deployment) { return deployment.paused; });
  expect_deployments(R"({"deployments": {"paused": {"eq_": false}}})",
                     [](const DeploymentRow &deployment) { return !deployment.paused; });
  expect_deployments(R"({"deployments": {"tags": {"any_": ["fast", "dev"]}}})", [](const DeploymentRow &deployment) {
    return has(deployment.tags, "fast") || has(deployment.tags, "dev");
  });
  expect_deployments(R"({"deployments": {"tags": {"is_null_": true}}})",
                     [](const DeploymentRow &deployment) { return deployment.tags.empty(); });
  expect_deployments(R"({"deployments": {"work_queue_name": {"any_": ["critical"]}}})",
                     [](const DeploymentRow &deployment) { return deployment.queue == 1; });
  // Deprecated and accepted without effect.
  expect_deployments(R"({"deployments": {"concurrency_limit": {"ge_": 5}}})",
                     [](const DeploymentRow &) { return true; });
}

TEST_P(FilterCompiler, LogFields) {
  const Timestamp t1 = at_minutes(300), t2 = at_minutes(900);
  auto text = [](const LogRow &log) {
    string all = log.message + " " + log.name;
    std::transform(all.begin(), all.end(), all.begin(), [](unsigned char c) { return std::tolower(c); });
    return all;
  };
  auto contains = [&](const LogRow &log, const string &term) { return text(log).find(term) != string::npos; };
  expect_logs(R"({"logs": {"level": {"ge_": 30, "le_": 40}}})",
              [](const LogRow &log) { return log.level >= 30 && log.level <= 40; });
  expect_logs(R"({"logs": {"timestamp": {"after_": ")" + iso(t1) + R"(", "before_": ")" + iso(t2) + "\"}}}",
              [&](const LogRow &log) { return log.timestamp >= t1 && log.timestamp <= t2; });
  expect_logs(R"({"logs": {"flow_run_id": {"any_": )" + uuid_list({data_.runs[1].id, data_.runs[2].id}) + "}}}",
              [](const LogRow &log) { return log.flow_run == 1 || log.flow_run == 2; });
  expect_logs(R"({"logs": {"task_run_id": {"is_null_": true}}})", [](const LogRow &log) { return !log.task_run; });
  expect_logs(R"({"logs": {"task_run_id": {"any_": )" + uuid_list({data_.tasks[3].id}) + "}}}",
              [](const LogRow &log) { return log.task_run == 3; });
  expect_logs(R"({"logs": {"text": {"query": "timeout DISK"}}})",
              [&](const LogRow &log) { return contains(log, "timeout") || contains(log, "disk"); });
  expect_logs(R"({"logs": {"text": {"query": "timeout -reset"}}})",
              [&](const LogRow &log) { return contains(log, "timeout") && !contains(log, "reset"); });
  expect_logs(R"({"logs": {"text": {"query": "\"connection timeout\" !flow_runs"}}})",
              [&](const LogRow &log) { return contains(log, "connection timeout") && !contains(log, "flow_runs"); });
  expect_logs(R"({"logs": {"text": {"query": "+connection +pending"}}})",
              [&](const LogRow &log) { return contains(log, "connection") && contains(log, "pending"); });
  expect_logs(R"({"logs": {"text": {"query": "- debug"}}})", [&](const LogRow &log) { return contains(log, "debug"); });
  expect_logs(R"({"logs": {"text": {"query": "   "}}})", [](const LogRow &) { return true; });
  // Text conditions join the log filter's own list, so or_ ORs them with the rest.
  expect_logs(R"({"logs": {"operator": "or_", "level": {"ge_": 50}, "text": {"query": "disk"}}})",
              [&](const LogRow &log) { return log.level >= 50 || contains(log, "disk"); });
}

TEST_P(FilterCompiler, WorkPoolsAndQueues) {
  auto pools = [&](const string &body) { return selected(filtered_work_pools, body); };
  auto queues = [&](const string &body) { return selected(filtered_work_queues, body); };
  const auto &wp = data_.pools;
  const auto &wq = data_.queues;
  EXPECT_EQ(pools(R"({"work_pools": {"name": {"any_": ["pool-beta"]}}})"), std::set<Uuid>{wp[1].id});
  EXPECT_EQ(pools(R"({"work_pools": {"type": {"any_": ["process"]}}})"), std::set<Uuid>{wp[0].id});
  EXPECT_EQ(pools(R"({"work_pools": {"id": {"any_": )" + uuid_list({wp[0].id}) + "}}}"), std::set<Uuid>{wp[0].id});
  EXPECT_EQ(
      pools(R"({"work_pools": {"operator": "or_", "type": {"any_": ["process"]}, "name": {"any_": ["pool-beta"]}}})"),
      (std::set<Uuid>{wp[0].id, wp[1].id}));
  EXPECT_EQ(queues(R"({"work_pool_queues": {"name": {"startswith_": ["CRI", "nothing"]}}})"), std::set<Uuid>{wq[1].id});
  EXPECT_EQ(queues(R"({"work_pool_queues": {"name": {"startswith_": ["def"]}}})"),
            (std::set<Uuid>{wq[0].id, wq[2].id}));
  EXPECT_EQ(queues(R"({"work_pool_queues": {"name": {"startswith_": ["efault"]}}})"), std::set<Uuid>{});
  EXPECT_EQ(
      queues(R"({"work_pool_queues": {"name": {"any_": ["default"]}, "id": {"any_": )" + uuid_list({wq[2].id}) + "}}}"),
      std::set<Uuid>{wq[2].id});
}

TEST_P(FilterCompiler, FlowsByRelatedObjects) {
  auto flow_index = [&](const FlowRow &flow) { return static_cast<int>(&flow - data_.flows.data()); };
  auto any_run = [&](const FlowRow &flow, const std::function<bool(const FlowRunRow &)> &keep) {
    for (const auto &run : data_.runs) {
      if (run.flow == flow_index(flow) && keep(run)) return true;
    }
    return false;
  };
  // A present but empty related filter still needs a related row.
  expect_flows(R"({"flow_runs": {}})", [&](const FlowRow &flow) { return any_run(flow, [](auto &) { return true; }); });
  expect_flows(R"({"flow_runs": null})", [](const FlowRow &) { return true; });
  expect_flows(R"({"flow_runs": {"name": {"any_": ["run0007", "run0008"]}}})",
               [&](const FlowRow &flow) { return flow.name == "bravo" || flow.name == "charlie"; });
  // The same run must match both the run filter and have a matching task run.
  auto task_matches_run = [&](const FlowRunRow &run, const std::function<bool(const TaskRunRow &)> &keep) {
    const int index = static_cast<int>(&run - data_.runs.data());
    for (const auto &task : data_.tasks) {
      if (task.flow_run == index && keep(task)) return true;
    }
    return false;
  };
  expect_flows(R"({"flow_runs": {"tags": {"all_": ["a"]}}, "task_runs": {"name": {"any_": ["task0005"]}}})",
               [&](const FlowRow &flow) {
                 return any_run(flow, [&](const FlowRunRow &run) {
                   return has(run.tags, "a") &&
                          task_matches_run(run, [](const TaskRunRow &task) { return task.name == "task0005"; });
                 });
               });
  expect_flows(R"({"deployments": {"tags": {"all_": ["prod"]}}})",
               [](const FlowRow &flow) { return flow.name == "alpha" || flow.name == "charlie"; });
  expect_flows(R"({"deployments": {}})",
               [&](const FlowRow &flow) { return !data_.deployments_of(flow_index(flow)).empty(); });
  // Through the deployment's queue to its pool; deployment and pool filters hold for the same deployment.
  expect_flows(R"({"work_pools": {"name": {"any_": ["pool-beta"]}}})",
               [](const FlowRow &flow) { return flow.name == "bravo"; });
  expect_flows(R"({"work_pools": {"name": {"any_": ["pool-alpha"]}}, "deployments": {"name": {"any_": ["weekly"]}}})",
               [](const FlowRow &flow) { return flow.name == "charlie"; });
  expect_flows(R"({"work_pools": {"name": {"any_": ["pool-beta"]}}, "deployments": {"name": {"any_": ["weekly"]}}})",
               [](const FlowRow &) { return false; });
  expect_flows(R"({"flows": {"tags": {"all_": ["etl"]}}, "flow_runs": {"state": {"type": {"any_": ["CRASHED"]}}}})",
               [&](const FlowRow &flow) {
                 return has(flow.tags, "etl") &&
                        any_run(flow, [](const FlowRunRow &run) { return run.state_type == "CRASHED"; });
               });
}

TEST_P(FilterCompiler, FlowRunsByRelatedObjects) {
  auto run_index = [&](const FlowRunRow &run) { return static_cast<int>(&run - data_.runs.data()); };
  auto has_task = [&](const FlowRunRow &run, const std::function<bool(const TaskRunRow &)> &keep) {
    for (const auto &task : data_.tasks) {
      if (task.flow_run == run_index(run) && keep(task)) return true;
    }
    return false;
  };
  expect_runs(R"({"flows": {"name": {"any_": ["alpha", "delta"]}}})",
              [](const FlowRunRow &run) { return run.flow == 0 || run.flow == 3; });
  expect_runs(R"({"deployments": {"paused": {"eq_": true}}})",
              [](const FlowRunRow &run) { return run.deployment == 3; });
  expect_runs(R"({"deployments": {}})", [](const FlowRunRow &run) { return run.deployment.has_value(); });
  expect_runs(R"({"work_pools": {"type": {"any_": ["docker"]}}})",
              [](const FlowRunRow &run) { return run.queue == 2; });
  expect_runs(R"({"work_pool_queues": {"name": {"any_": ["critical"]}}})",
              [](const FlowRunRow &run) { return run.queue == 1; });
  expect_runs(R"({"work_pool_queues": {}})", [](const FlowRunRow &run) { return run.queue.has_value(); });
  expect_runs(R"({"task_runs": {"state": {"type": {"any_": ["FAILED"]}}}})", [&](const FlowRunRow &run) {
    return has_task(run, [](const TaskRunRow &task) { return task.state_type == "FAILED"; });
  });
  expect_runs(R"({"flows": {"name": {"any_": ["alpha"]}}, "task_runs": {}, "flow_runs": {"tags": {"any_": ["c"]}}})",
              [&](const FlowRunRow &run) {
                return run.flow == 0 && has(run.tags, "c") && has_task(run, [](auto &) { return true; });
              });
}

TEST_P(FilterCompiler, TaskRunsAndDeploymentsByRelatedObjects) {
  auto run_of = [&](const TaskRunRow &task) -> const FlowRunRow * {
    return task.flow_run ? &data_.runs[*task.flow_run] : nullptr;
  };
  // The id-only fast path and the EXISTS path agree.
  expect_tasks(R"({"flow_runs": {"id": {"any_": )" + uuid_list({data_.runs[3].id, data_.runs[6].id}) + "}}}",
               [](const TaskRunRow &task) { return task.flow_run == 3 || task.flow_run == 6; });
  expect_tasks(R"({"flow_runs": {"id": {"any_": )" + uuid_list({data_.runs[3].id}) + R"(}, "name": {"like_": "run"}}})",
               [](const TaskRunRow &task) { return task.flow_run == 3; });
  // Any related filter excludes task runs without a flow run.
  expect_tasks(R"({"flow_runs": {}})", [](const TaskRunRow &task) { return task.flow_run.has_value(); });
  expect_tasks(R"({"flows": {"name": {"any_": ["bravo"]}}})", [&](const TaskRunRow &task) {
    auto run = run_of(task);
    return run && run->flow == 1;
  });
  expect_tasks(R"({"deployments": {"name": {"any_": ["weekly"]}}, "flow_runs": {"tags": {"any_": ["b"]}}})",
               [&](const TaskRunRow &task) {
                 auto run = run_of(task);
                 return run && run->deployment == 4 && has(run->tags, "b");
               });
  expect_tasks(R"({"work_pools": {"name": {"any_": ["pool-alpha"]}}})", [&](const TaskRunRow &task) {
    auto run = run_of(task);
    return run && run->queue && data_.queues[*run->queue].pool == 0;
  });

  auto deployment_index = [&](const DeploymentRow &deployment) {
    return static_cast<int>(&deployment - data_.deployments.data());
  };
  expect_deployments(R"({"flows": {"name": {"any_": ["charlie"]}}})",
                     [](const DeploymentRow &deployment) { return deployment.flow == 2; });
  expect_deployments(R"({"flow_runs": {"state": {"type": {"any_": ["CRASHED"]}}, "name": {"like_": "run00"}}})",
                     [&](const DeploymentRow &deployment) {
                       for (const auto &run : data_.runs) {
                         if (run.deployment == deployment_index(deployment) && run.state_type == "CRASHED" &&
                             run.name.starts_with("run00")) {
                           return true;
                         }
                       }
                       return false;
                     });
  expect_deployments(R"({"work_pools": {"name": {"any_": ["pool-alpha"]}}})",
                     [](const DeploymentRow &deployment) { return deployment.queue == 0 || deployment.queue == 1; });
  expect_deployments(
      R"({"work_pool_queues": {"name": {"any_": ["default"]}}, "work_pools": {"type": {"any_": ["docker"]}}})",
      [](const DeploymentRow &deployment) { return deployment.queue == 2; });
}

TEST_P(FilterCompiler, FlowRunSorts) {
  using Key = optional<Timestamp>;
  const vector<std::pair<string, std::function<vector<Uuid>()>>> cases = {
      {"ID_DESC",
       [&] {
         return ordered<FlowRunRow, Uuid>(
             data_.runs, [](auto &run) { return run.id; }, true);
       }},
      {"START_TIME_ASC",
       [&] {
         return ordered<FlowRunRow, Timestamp>(
             data_.runs, [](auto &run) -> Key { return run.start_time ? run.start_time : run.expected_start_time; },
             false);
       }},
      {"START_TIME_DESC",
       [&] {
         return ordered<FlowRunRow, Timestamp>(
             data_.runs, [](auto &run) -> Key { return run.start_time ? run.start_time : run.expected_start_time; },
             true);
       }},
      {"EXPECTED_START_TIME_ASC",
       [&] {
         return ordered<FlowRunRow, Timestamp>(
             data_.runs, [](auto &run) { return run.expected_start_time; }, false);
       }},
      {"EXPECTED_START_TIME_DESC",
       [&] {
         return ordered<FlowRunRow, Timestamp>(
             data_.runs, [](auto &run) { return run.expected_start_time; }, true);
       }},
      {"NAME_ASC",
       [&] {
         return ordered<FlowRunRow, string>(
             data_.runs, [](auto &run) { return run.name; }, false);
       }},
      {"NAME_DESC",
       [&] {
         return ordered<FlowRunRow, string>(
             data_.runs, [](auto &run) { return run.name; }, true);
       }},
      {"NEXT_SCHEDULED_START_TIME_ASC",
       [&] {
         return ordered<FlowRunRow, Timestamp>(
             data_.runs, [](auto &run) { return run.next_scheduled_start_time; }, false);
       }},
      {"END_TIME_DESC",
       [&] {
         return ordered<FlowRunRow, Timestamp>(
             data_.runs, [](auto &run) { return run.end_time; }, true);
       }},
      {"",
       [&] {
         return ordered<FlowRunRow, Uuid>(
             data_.runs, [](auto &run) { return run.id; }, true);
       }},
  };
  for (const auto &[sort, expected] : cases) {
    SCOPED_TRACE("sort " + sort);
    EXPECT_EQ(select_ids(filtered_flow_runs, "{}", sort, flow_run_sort), expected());
  }
}

TEST_P(FilterCompiler, TaskRunFlowDeploymentAndLogSorts) {
  const vector<std::pair<string, std::function<vector<Uuid>()>>> task_cases = {
      {"ID_DESC",
       [&] {
         return ordered<TaskRunRow, Uuid>(
             data_.tasks, [](auto &task) { return task.id; }, true);
       }},
      {"EXPECTED_START_TIME_ASC",
       [&] {
         return ordered<TaskRunRow, Timestamp>(
             data_.tasks, [](auto &task) { return task.expected_start_time; }, false);
       }},
      {"EXPECTED_START_TIME_DESC",
       [&] {
         return ordered<TaskRunRow, Timestamp>(
             data_.tasks, [](auto &task) { return task.expected_start_time; }, true);
       }},
      {"NAME_ASC",
       [&] {
         return ordered<TaskRunRow, string>(
             data_.tasks, [](auto &task) { return task.name; }, false);
       }},
      {"NAME_DESC",
       [&] {
         return ordered<TaskRunRow, string>(
             data_.tasks, [](auto &task) { return task.name; }, true);
       }},
      {"NEXT_SCHEDULED_START_TIME_ASC",
       [&] {
         return ordered<TaskRunRow, Timestamp>(
             data_.tasks, [](auto &task) { return task.next_scheduled_start_time; }, false);
       }},
      {"END_TIME_DESC",
       [&] {
         return ordered<TaskRunRow, Timestamp>(
             data_.tasks, [](auto &task) { return task.end_time; }, true);
       }},
  };
  for (const auto &[sort, expected] : task_cases) {
    SCOPED_TRACE("task run sort " + sort);
    EXPECT_EQ(select_ids(filtered_task_runs, "{}", sort, task_run_sort), expected());
  }
  const vector<std::pair<string, std::function<vector<Uuid>()>>> flow_cases = {
      {"NAME_ASC",
       [&] {
         return ordered<FlowRow, string>(
             data_.flows, [](auto &flow) { return flow.name; }, false);
       }},
      {"NAME_DESC",
       [&] {
         return ordered<FlowRow, string>(
             data_.flows, [](auto &flow) { return flow.name; }, true);
       }},
      {"CREATED_DESC",
       [&] {
         return ordered<FlowRow, Timestamp>(
             data_.flows, [](auto &flow) { return flow.created; }, true);
       }},
      {"UPDATED_DESC",
       [&] {
         return ordered<FlowRow, Timestamp>(
             data_.flows, [](auto &flow) { return flow.updated; }, true);
       }},
      {"",
       [&] {
         return ordered<FlowRow, string>(
             data_.flows, [](auto &flow) { return flow.name; }, false);
       }},
  };
  for (const auto &[sort, expected] : flow_cases) {
    SCOPED_TRACE("flow sort " + sort);
    EXPECT_EQ(select_ids(filtered_flows, "{}", sort, flow_sort), expected());
  }
  const vector<std::pair<string, std::function<vector<Uuid>()>>> deployment_cases = {
      {"NAME_ASC",
       [&] {
         return ordered<DeploymentRow, string>(
             data_.deployments, [](auto &d) { return d.name; }, false);
       }},
      {"NAME_DESC",
       [&] {
         return ordered<DeploymentRow, string>(
             data_.deployments, [](auto &d) { return d.name; }, true);
       }},
      {"CREATED_DESC",
       [&] {
         return ordered<DeploymentRow, Timestamp>(
             data_.deployments, [](auto &d) { return d.created; }, true);
       }},
      {"UPDATED_DESC",
       [&] {
         return ordered<DeploymentRow, Timestamp>(
             data_.deployments, [](auto &d) { return d.updated; }, true);
       }},
  };
  for (const auto &[sort, expected] : deployment_cases) {
    SCOPED_TRACE("deployment sort " + sort);
    EXPECT_EQ(select_ids(filtered_deployments, "{}", sort, deployment_sort), expected());
  }
  for (const bool descending : {false, true}) {
    SCOPED_TRACE(descending ? "TIMESTAMP_DESC" : "TIMESTAMP_ASC");
    EXPECT_EQ(select_ids(filtered_logs, "{}", descending ? "TIMESTAMP_DESC" : "TIMESTAMP_ASC", log_sort),
              (ordered<LogRow, Timestamp>(
                  data_.logs, [](auto &log) { return log.timestamp; }, descending)));
  }
}

TEST_P(FilterCompiler, LimitAndOffsetEdges) {
  const string body = R"({"flow_runs": {"tags": {"any_": ["b"]}}})";
  const vector<Uuid> all = select_ids(filtered_flow_runs, body, "NAME_ASC", flow_run_sort);
  ASSERT_EQ(all.size(), 480u);
  auto window = [&](optional<int64_t> limit, int64_t offset) {
    return select_ids(filtered_flow_runs, body, "NAME_ASC", flow_run_sort, Page{limit, offset});
  };
  EXPECT_TRUE(window(0, 0).empty());
  EXPECT_EQ(window(1, 0), vector<Uuid>(all.begin(), all.begin() + 1));
  EXPECT_EQ(window(200, 0), vector<Uuid>(all.begin(), all.begin() + 200));
  EXPECT_EQ(window(200, 400), vector<Uuid>(all.begin() + 400, all.end()));
  EXPECT_EQ(window(1000, 0), all);
  EXPECT_TRUE(window(10, 480).empty());
  EXPECT_TRUE(window(10, 5000).empty());
  EXPECT_EQ(window(nullopt, 470), vector<Uuid>(all.begin() + 470, all.end()));
  vector<Uuid> pages;
  for (int64_t offset = 0; offset < 480; offset += 37) {
    auto page = window(37, offset);
    pages.insert(pages.end(), page.begin(), page.end());
  }
  EXPECT_EQ(pages, all);
}

INSTANTIATE_TEST_SUITE_P(Backends, FilterCompiler, ::testing::ValuesIn(testing_support::backend_names()),
                         testing_support::backend_test_name);

}  // namespace
}  // namespace prefectd
