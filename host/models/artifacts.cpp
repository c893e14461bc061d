#include "artifacts.h"

#include "core/python_json.h"
#include "core/timestamp.h"
#include "database/database_interface.h"
#include "filters/related_filters.h"
#include "filters/sorts.h"

#include <rapidjson/document.h>

namespace prefectd {
namespace {

// The fields an artifact shares with its collection, in this order after
// id, created, updated in both column lists.
constexpr const char *kArtifactColumnList =
    "artifact.id, artifact.created, artifact.updated, artifact.key, artifact.type, artifact.description, "
    "artifact.data, artifact.metadata_, artifact.flow_run_id, artifact.task_run_id";
constexpr const char *kCollectionColumnList =
    "artifact_collection.id, artifact_collection.created, artifact_collection.updated, artifact_collection.key, "
    "artifact_collection.type, artifact_collection.description, artifact_collection.data, "
    "artifact_collection.metadata_, artifact_collection.flow_run_id, artifact_collection.task_run_id, "
    "artifact_collection.latest_id";

Artifact artifact_row(const Statement &statement) {
  return Artifact{*statement.uuid(0), *statement.timestamp(1), *statement.timestamp(2), statement.text(3),
                  statement.text(4),  statement.text(5),       statement.json(6),       statement.json(7),
                  statement.uuid(8),  statement.uuid(9)};
}

ArtifactCollection collection_row(const Statement &statement) {
  return ArtifactCollection{artifact_row(statement), *statement.uuid(10)};
}

std::optional<std::string> take_string(rapidjson::Document &data, const char *key) {
  if (!data.IsObject()) return std::nullopt;
  auto member = data.FindMember(key);
  if (member == data.MemberEnd()) return std::nullopt;
  std::optional<std::string> value;
  if (member->value.IsString() && member->value.GetStringLength() > 0) value = member->value.GetString();
  data.RemoveMember(member);
  return value;
}

// Makes `artifact` the latest of its key: the collection row is inserted,
// or all its fields replaced, as Prefect's upsert does.
void point_collection_at(DatabaseInterface &database, Session &session, const Artifact &artifact) {
  const QueryComponents &q = database.queries();
  Statement upsert = session.prepare(
      "INSERT INTO artifact_collection (id, created, updated, key, latest_id, type, description, data, metadata_, "
      "flow_run_id, task_run_id) VALUES (" +
      q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " + q.placeholder_list(3, 8) + ")" +
      q.upsert_clause(
          {"key"}, {"latest_id", "updated", "type", "description", "data", "metadata_", "flow_run_id", "task_run_id"}));
  upsert.bind(1, Uuid::v4()).bind(2, artifact.updated).bind(3, *artifact.key).bind(4, artifact.id);
  upsert.bind(5, artifact.type).bind(6, artifact.description).bind_json(7, artifact.data_json);
  upsert.bind_json(8, artifact.metadata_json).bind(9, artifact.flow_run_id).bind(10, artifact.task_run_id);
  upsert.execute();
}

// Binds the sent members of `update` from `first` on, returning the next index.
int bind_update(Statement &statement, int first, const ArtifactUpdate &update) {
  int index = first;
  if (update.data_json) statement.bind_json(index++, *update.data_json);
  if (update.description) statement.bind(index++, *update.description);
  if (update.metadata_json) statement.bind_json(index++, *update.metadata_json);
  return index;
}

// "updated = $1, data = $2, ..." for the sent members.
std::string update_assignments(const QueryComponents &q, const ArtifactUpdate &update, int &next) {
  std::string assignments = "updated = " + q.placeholder(next++);
  auto assign = [&](const char *column) { assignments += std::string(", ") + column + " = " + q.placeholder(next++); };
  if (update.data_json) assign("data");
  if (update.description) assign("description");
  if (update.metadata_json) assign("metadata_");
  return assignments;
}

}  // namespace

Artifact create_artifact(DatabaseInterface &database, Session &session, const ArtifactCreate &create) {
  const Timestamp now = Timestamp::now();
  const Artifact artifact{Uuid::v7(),
                          now,
                          now,
                          create.key,
                          create.type,
                          create.description,
                          create.data_json,
                          create.metadata_json,
                          create.flow_run_id,
                          create.task_run_id};
  if (artifact.key) point_collection_at(database, session, artifact);
  const QueryComponents &q = database.queries();
  Statement insert = session.prepare(
      "INSERT INTO artifact (id, created, updated, key, type, description, data, metadata_, flow_run_id, "
      "task_run_id) VALUES (" +
      q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " + q.placeholder_list(3, 7) + ")");
  insert.bind(1, artifact.id).bind(2, now).bind(3, artifact.key).bind(4, artifact.type).bind(5, artifact.description);
  insert.bind_json(6, artifact.data_json).bind_json(7, artifact.metadata_json);
  insert.bind(8, artifact.flow_run_id).bind(9, artifact.task_run_id);
  insert.execute();
  // data and metadata_ are plain json on PostgreSQL too: stored as sent, no read-back needed.
  return artifact;
}

std::optional<Artifact> read_artifact(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement read = session.prepare(std::string("SELECT ") + kArtifactColumnList +
                                   " FROM artifact WHERE id = " + database.queries().placeholder(1));
  read.bind(1, id);
  if (!read.step()) return std::nullopt;
  return artifact_row(read);
}

std::optional<ArtifactCollection> read_artifact_collection(DatabaseInterface &database, Session &session,
                                                           const std::string &key) {
  Statement read = session.prepare(std::string("SELECT ") + kCollectionColumnList +
                                   " FROM artifact_collection WHERE key = " + database.queries().placeholder(1));
  read.bind(1, key);
  if (!read.step()) return std::nullopt;
  return collection_row(read);
}

bool update_artifact(DatabaseInterface &database, Session &session, const Uuid &id, const ArtifactUpdate &update) {
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  int64_t changed = 0;
  for (const auto &[table, id_column] : {std::pair{"artifact", "id"}, std::pair{"artifact_collection", "latest_id"}}) {
    int next = 1;
    const std::string assignments = update_assignments(q, update, next);
    Statement write = session.prepare(std::string("UPDATE ") + table + " SET " + assignments + " WHERE " + id_column +
                                      " = " + q.placeholder(next));
    write.bind(1, now);
    write.bind(bind_update(write, 2, update), id);
    changed += write.execute();
  }
  return changed > 0;
}

bool delete_artifact(DatabaseInterface &database, Session &session, const Uuid &id) {
  const QueryComponents &q = database.queries();
  const auto artifact = read_artifact(database, session, id);
  if (!artifact) return false;
  if (artifact->key) {
    const auto collection = read_artifact_collection(database, session, *artifact->key);
    if (collection && collection->latest_id == id) {
      Statement next = session.prepare(std::string("SELECT ") + kArtifactColumnList +
                                       " FROM artifact WHERE key = " + q.placeholder(1) + " AND id <> " +
                                       q.placeholder(2) + " ORDER BY created DESC LIMIT 1");
      next.bind(1, *artifact->key).bind(2, id);
      if (next.step()) {
        // The collection takes over the next newest artifact's fields,
        // its created and updated included, as Prefect does.
        const Artifact successor = artifact_row(next);
        Statement move = session.prepare("UPDATE artifact_collection SET latest_id = " + q.placeholder(1) +
                                         ", data = " + q.placeholder(2) + ", description = " + q.placeholder(3) +
                                         ", type = " + q.placeholder(4) + ", created = " + q.placeholder(5) +
                                         ", updated = " + q.placeholder(6) + ", flow_run_id = " + q.placeholder(7) +
                                         ", task_run_id = " + q.placeholder(8) + ", metadata_ = " + q.placeholder(9) +
                                         " WHERE key = " + q.placeholder(10));
        move.bind(1, successor.id).bind_json(2, successor.data_json).bind(3, successor.description);
        move.bind(4, successor.type).bind(5, successor.created).bind(6, successor.updated);
        move.bind(7, successor.flow_run_id).bind(8, successor.task_run_id).bind_json(9, successor.metadata_json);
        move.bind(10, *artifact->key);
        move.execute();
      } else {
        session
            .prepare("DELETE FROM artifact_collection WHERE key = " + q.placeholder(1) +
                     " AND latest_id = " + q.placeholder(2))
            .bind(1, *artifact->key)
            .bind(2, id)
            .execute();
      }
    }
  }
  return session.prepare("DELETE FROM artifact WHERE id = " + q.placeholder(1)).bind(1, id).execute() > 0;
}

std::vector<Artifact> read_artifacts(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                     std::string_view sort, const Page &page) {
  FilteredQuery query = filtered_artifacts(database.queries(), filters);
  Statement rows = query.select(session, kArtifactColumnList, artifact_sort(sort, query.alias()), page);
  std::vector<Artifact> artifacts;
  while (rows.step()) artifacts.push_back(artifact_row(rows));
  return artifacts;
}

int64_t count_artifacts(DatabaseInterface &database, Session &session, const FilterSet &filters) {
  return filtered_artifacts(database.queries(), filters).count_rows(session);
}

std::vector<ArtifactCollection> read_artifact_collections(DatabaseInterface &database, Session &session,
                                                          const FilterSet &filters, std::string_view sort,
                                                          const Page &page) {
  FilteredQuery query = filtered_artifact_collections(database.queries(), filters);
  Statement rows = query.select(session, kCollectionColumnList, artifact_sort(sort, query.alias()), page);
  std::vector<ArtifactCollection> collections;
  while (rows.step()) collections.push_back(collection_row(rows));
  return collections;
}

int64_t count_artifact_collections(DatabaseInterface &database, Session &session, const FilterSet &filters) {
  return filtered_artifact_collections(database.queries(), filters).count_rows(session);
}

ResultArtifact create_result_artifact(DatabaseInterface &database, Session &session, const std::string &data_json,
                                      const std::optional<Uuid> &flow_run_id, const std::optional<Uuid> &task_run_id) {
  rapidjson::Document data;
  data.Parse(data_json.c_str(), data_json.size());
  ArtifactCreate create;
  create.key = take_string(data, "artifact_key");
  create.type = take_string(data, "artifact_type");
  create.description = take_string(data, "artifact_description");
  create.data_json = to_python_json(data);
  create.flow_run_id = flow_run_id;
  create.task_run_id = task_run_id;
  const Artifact artifact = create_artifact(database, session, create);
  return ResultArtifact{artifact.id, *create.data_json};
}

}  // namespace prefectd
