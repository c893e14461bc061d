#include "artifacts.h"

#include "core/python_json.h"
#include "core/timestamp.h"
#include "database/database_interface.h"

#include <rapidjson/document.h>

namespace prefectd {
namespace {

std::optional<std::string> take_string(rapidjson::Document &data, const char *key) {
  if (!data.IsObject()) return std::nullopt;
  auto member = data.FindMember(key);
  if (member == data.MemberEnd()) return std::nullopt;
  std::optional<std::string> value;
  if (member->value.IsString() && member->value.GetStringLength() > 0) value = member->value.GetString();
  data.RemoveMember(member);
  return value;
}

}  // namespace

ResultArtifact create_result_artifact(DatabaseInterface &database, Session &session, const std::string &data_json,
                                      const std::optional<Uuid> &flow_run_id, const std::optional<Uuid> &task_run_id) {
  rapidjson::Document data;
  data.Parse(data_json.c_str(), data_json.size());
  const auto key = take_string(data, "artifact_key");
  const auto type = take_string(data, "artifact_type");
  const auto description = take_string(data, "artifact_description");
  ResultArtifact artifact{Uuid::v4(), to_python_json(data)};
  const Timestamp now = Timestamp::now();
  const QueryComponents &q = database.queries();
  Statement insert = session.prepare(
      "INSERT INTO artifact (id, created, key, type, data, description, flow_run_id, task_run_id, updated) VALUES (" +
      q.placeholder_list(1, 8) + ", " + q.placeholder(2) + ")");
  insert.bind(1, artifact.id).bind(2, now).bind_json(5, artifact.data_json);
  insert.bind(3, key).bind(4, type).bind(6, description).bind(7, flow_run_id).bind(8, task_run_id);
  insert.execute();
  if (key) {
    Statement collect = session.prepare(
        "INSERT INTO artifact_collection (id, created, key, latest_id, type, data, description, flow_run_id, "
        "task_run_id, updated) VALUES (" +
        q.placeholder_list(1, 9) + ", " + q.placeholder(2) + ")" +
        q.upsert_clause({"key"}, {"latest_id", "updated", "type", "data", "description", "flow_run_id",
                                  "task_run_id"}));
    collect.bind(1, Uuid::v4()).bind(2, now).bind(3, *key).bind(4, artifact.id).bind_json(6, artifact.data_json);
    collect.bind(5, type).bind(7, description).bind(8, flow_run_id).bind(9, task_run_id);
    collect.execute();
  }
  return artifact;
}

}  // namespace prefectd
