// Artifact and ArtifactCollection, the latest artifact of a key (objects.md §10).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace prefectd {

struct Artifact {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::optional<std::string> key;
  std::optional<std::string> type;
  std::optional<std::string> description;
  std::optional<std::string> data_json;      // any JSON; SQL NULL reads as null
  std::optional<std::string> metadata_json;  // {string: string} or NULL
  std::optional<Uuid> flow_run_id;
  std::optional<Uuid> task_run_id;
};

// One row per key: a copy of its latest artifact's fields (the id is the
// collection's own), pointing at that artifact through latest_id.
struct ArtifactCollection {
  Artifact latest;  // latest.id is the collection's id and latest.key is set
  Uuid latest_id;
};

// {id, created, updated, key, type, description, data, metadata_, flow_run_id, task_run_id}
void write_artifact(const Artifact &artifact, rapidjson::Value &out, rapidjson::Document::AllocatorType &allocator);
// The same plus latest_id.
void write_artifact_collection(const ArtifactCollection &collection, rapidjson::Value &out,
                               rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
