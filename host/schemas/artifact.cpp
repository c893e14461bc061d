#include "artifact.h"

#include "json_fields.h"

namespace prefectd {
namespace {

void write_fields(const Artifact &artifact, const Uuid *latest_id, rapidjson::Value &out,
                  rapidjson::Document::AllocatorType &allocator) {
  JsonFields fields(out, allocator);
  fields.uuid("id", artifact.id)
      .timestamp("created", artifact.created)
      .timestamp("updated", artifact.updated)
      .string("key", artifact.key);
  if (latest_id != nullptr) fields.uuid("latest_id", *latest_id);
  fields.string("type", artifact.type)
      .string("description", artifact.description)
      .stored_json("data", artifact.data_json)
      .stored_json("metadata_", artifact.metadata_json)
      .uuid("flow_run_id", artifact.flow_run_id)
      .uuid("task_run_id", artifact.task_run_id);
}

}  // namespace

void write_artifact(const Artifact &artifact, rapidjson::Value &out, rapidjson::Document::AllocatorType &allocator) {
  write_fields(artifact, nullptr, out, allocator);
}

void write_artifact_collection(const ArtifactCollection &collection, rapidjson::Value &out,
                               rapidjson::Document::AllocatorType &allocator) {
  write_fields(collection.latest, &collection.latest_id, out, allocator);
}

}  // namespace prefectd
