// The artifact table and its artifact_collection, which keeps one row per
// key mirroring the key's latest artifact. Artifacts come from the
// /artifacts routes and from states whose results are persisted
// (orchestration.md §2).
#pragma once

#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "schemas/artifact.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct ArtifactCreate {
  std::optional<std::string> key;
  std::optional<std::string> type;
  std::optional<std::string> description;
  std::optional<std::string> data_json;      // nullopt stores NULL
  std::optional<std::string> metadata_json;  // values already truncated (see truncate_artifact_metadata)
  std::optional<Uuid> flow_run_id;
  std::optional<Uuid> task_run_id;
};

// The members the client sent; an inner nullopt writes NULL.
struct ArtifactUpdate {
  std::optional<std::optional<std::string>> data_json;
  std::optional<std::optional<std::string>> description;
  std::optional<std::optional<std::string>> metadata_json;
};

// Inserts the artifact; with a key, it also becomes its collection's latest
// (the collection is created, or all its fields replaced).
Artifact create_artifact(DatabaseInterface &database, Session &session, const ArtifactCreate &artifact);
std::optional<Artifact> read_artifact(DatabaseInterface &database, Session &session, const Uuid &id);
// The collection of `key`, if any artifact has that key.
std::optional<ArtifactCollection> read_artifact_collection(DatabaseInterface &database, Session &session,
                                                           const std::string &key);
// Writes the sent fields to the artifact and, when it is its key's latest,
// to the collection. False when neither row exists.
bool update_artifact(DatabaseInterface &database, Session &session, const Uuid &id, const ArtifactUpdate &update);
// False when there is no such artifact. Deleting a key's latest artifact
// points the collection at the next newest one of the key (copying its
// fields), or removes the collection when none is left.
bool delete_artifact(DatabaseInterface &database, Session &session, const Uuid &id);

// Artifacts matching `filters` (artifacts as ArtifactFilter, flow_runs,
// task_runs, flows, deployments), ordered by the ArtifactSort value `sort`.
std::vector<Artifact> read_artifacts(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                     std::string_view sort, const Page &page);
int64_t count_artifacts(DatabaseInterface &database, Session &session, const FilterSet &filters);
// The same over collections (artifacts as ArtifactCollectionFilter).
std::vector<ArtifactCollection> read_artifact_collections(DatabaseInterface &database, Session &session,
                                                          const FilterSet &filters, std::string_view sort,
                                                          const Page &page);
int64_t count_artifact_collections(DatabaseInterface &database, Session &session, const FilterSet &filters);

struct ResultArtifact {
  Uuid id;
  std::string data_json;  // the result, without the artifact_* keys
};

// Stores a state's `data` as a result artifact: artifact_key, artifact_type
// and artifact_description move from the data to the artifact's columns
// (a key also updates its artifact collection).
ResultArtifact create_result_artifact(DatabaseInterface &database, Session &session, const std::string &data_json,
                                      const std::optional<Uuid> &flow_run_id, const std::optional<Uuid> &task_run_id);

}  // namespace prefectd
