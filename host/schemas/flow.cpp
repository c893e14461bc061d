#include "flow.h"

#include "api/json_writer.h"

namespace prefectd {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

void add_string(rapidjson::Value &object, const char *key, const std::string &value, Allocator &allocator) {
  object.AddMember(rapidjson::StringRef(key), rapidjson::Value(value.c_str(), allocator), allocator);
}

void add_stored_json(rapidjson::Value &object, const char *key, const std::string &stored, Allocator &allocator) {
  rapidjson::Document parsed(&allocator);
  parsed.Parse(stored.c_str());
  rapidjson::Value value;
  if (!parsed.HasParseError()) value.CopyFrom(parsed, allocator);
  object.AddMember(rapidjson::StringRef(key), value, allocator);
}

}  // namespace

rapidjson::Value flow_json(const Flow &flow, Allocator &allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  add_string(object, "id", flow.id.to_string(), allocator);
  add_string(object, "created", flow.created.to_iso8601(), allocator);
  add_string(object, "updated", flow.updated.to_iso8601(), allocator);
  add_string(object, "name", flow.name, allocator);
  add_stored_json(object, "tags", flow.tags_json, allocator);
  add_stored_json(object, "labels", flow.labels_json.value_or("{}"), allocator);
  return object;
}

std::string to_json(const Flow &flow) {
  rapidjson::Document document;
  rapidjson::Value object = flow_json(flow, document.GetAllocator());
  return prefectd::to_json(object);
}

}  // namespace prefectd
