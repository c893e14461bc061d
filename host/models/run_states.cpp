#include "run_states.h"

#include "artifacts.h"
#include "database/database_interface.h"

namespace prefectd {
namespace {

const char *state_table(RunKind kind) {
  return kind == RunKind::Flow ? "flow_run_state" : "task_run_state";
}

const char *run_column(RunKind kind) {
  return kind == RunKind::Flow ? "flow_run_id" : "task_run_id";
}

bool is_unpersisted_result(const std::string &data_json) {
  rapidjson::Document data;
  data.Parse(data_json.c_str(), data_json.size());
  if (data.HasParseError() || !data.IsObject()) return false;
  auto type = data.FindMember("type");
  return type != data.MemberEnd() && type->value.IsString() && std::string_view(type->value.GetString()) == "unpersisted";
}

}  // namespace

std::string state_columns(const char *state_alias, const char *artifact_alias) {
  const std::string s = std::string(state_alias) + ".";
  return s + "id, " + s + "type, " + s + "name, " + s + "\"timestamp\", " + s + "message, " + s + "state_details, " +
         s + "data, " + artifact_alias + ".data";
}

std::string state_join(RunKind kind, const char *state_alias, const char *artifact_alias,
                       const char *state_id_column) {
  return std::string(" LEFT JOIN ") + state_table(kind) + " " + state_alias + " ON " + state_alias +
         ".id = " + state_id_column + " LEFT JOIN artifact " + artifact_alias + " ON " + artifact_alias +
         ".id = " + state_alias + ".result_artifact_id";
}

std::optional<State> state_from_columns(const Statement &row, int first) {
  auto id = row.uuid(first);
  if (!id) return std::nullopt;
  State state;
  state.id = *id;
  state.type = parse_state_type(row.text(first + 1).value_or("")).value_or(StateType::Pending);
  state.name = row.text(first + 2).value_or("");
  state.timestamp = row.timestamp(first + 3).value_or(Timestamp());
  state.message = row.text(first + 4);
  state.details = state_details_from_json(row.json(first + 5).value_or("{}"));
  // A legacy inline result wins over the artifact, as Prefect reads it.
  state.data_json = row.json(first + 6);
  if (!state.data_json) state.data_json = row.json(first + 7);
  return state;
}

void insert_run_state(DatabaseInterface &database, Session &session, RunKind kind, const Uuid &run_id, State &state) {
  std::optional<Uuid> artifact_id;
  if (state.data_json && *state.data_json != "null" && !is_unpersisted_result(*state.data_json)) {
    const std::optional<Uuid> flow_run = kind == RunKind::Flow ? std::optional(run_id) : std::nullopt;
    const std::optional<Uuid> task_run = kind == RunKind::Task ? std::optional(run_id) : std::nullopt;
    ResultArtifact artifact = create_result_artifact(database, session, *state.data_json, flow_run, task_run);
    artifact_id = artifact.id;
    state.data_json = artifact.data_json;
  }
  const QueryComponents &q = database.queries();
  Statement insert = session.prepare(std::string("INSERT INTO ") + state_table(kind) + " (id, created, type, " +
                                     "\"timestamp\", name, message, state_details, data, " + run_column(kind) +
                                     ", result_artifact_id, updated) VALUES (" + q.placeholder_list(1, 10) + ", " +
                                     q.placeholder(2) + ")");
  insert.bind(1, state.id)
      .bind(2, Timestamp::now())
      .bind(3, to_string(state.type))
      .bind(4, state.timestamp)
      .bind(5, state.name)
      .bind(6, state.message)
      .bind_json(7, state_details_to_json(state.details))
      .bind(9, run_id)
      .bind(10, artifact_id)
      // Never inline: a result lives in its artifact, and an unpersisted
      // marker is answered once and not kept, as Prefect does.
      .bind_null(8);
  insert.execute();
}

void drop_unkept_data(State &state) {
  if (state.data_json && is_unpersisted_result(*state.data_json)) state.data_json.reset();
}

std::optional<State> read_run_state(DatabaseInterface &database, Session &session, RunKind kind, const Uuid &state_id) {
  Statement read = session.prepare("SELECT " + state_columns("s", "a") + " FROM " + state_table(kind) +
                                   " s LEFT JOIN artifact a ON a.id = s.result_artifact_id WHERE s.id = " +
                                   database.queries().placeholder(1));
  read.bind(1, state_id);
  if (!read.step()) return std::nullopt;
  return state_from_columns(read, 0);
}

std::vector<State> read_run_states(DatabaseInterface &database, Session &session, RunKind kind, const Uuid &run_id) {
  Statement read = session.prepare("SELECT " + state_columns("s", "a") + " FROM " + state_table(kind) +
                                   " s LEFT JOIN artifact a ON a.id = s.result_artifact_id WHERE s." +
                                   run_column(kind) + " = " + database.queries().placeholder(1) +
                                   " ORDER BY s.\"timestamp\" ASC, s.id ASC");
  read.bind(1, run_id);
  std::vector<State> states;
  while (read.step()) {
    if (auto state = state_from_columns(read, 0)) states.push_back(std::move(*state));
  }
  return states;
}

bool run_state_timestamp_taken(DatabaseInterface &database, Session &session, RunKind kind, const Uuid &run_id,
                               Timestamp timestamp) {
  const QueryComponents &q = database.queries();
  Statement read = session.prepare(std::string("SELECT 1 FROM ") + state_table(kind) + " WHERE " + run_column(kind) +
                                   " = " + q.placeholder(1) + " AND \"timestamp\" = " + q.placeholder(2));
  read.bind(1, run_id).bind(2, timestamp);
  return read.step();
}

}  // namespace prefectd
