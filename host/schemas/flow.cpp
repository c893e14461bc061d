#include "flow.h"

#include "api/json_writer.h"

namespace prefectd {
namespace {

void add_string(rapidjson::Document &document, const char *key, const std::string &value) {
  auto &allocator = document.GetAllocator();
  document.AddMember(rapidjson::StringRef(key), rapidjson::Value(value.c_str(), allocator), allocator);
}

void add_stored_json(rapidjson::Document &document, const char *key, const std::string &stored) {
  rapidjson::Document parsed(&document.GetAllocator());
  parsed.Parse(stored.c_str());
  rapidjson::Value value;
  if (!parsed.HasParseError()) value.CopyFrom(parsed, document.GetAllocator());
  document.AddMember(rapidjson::StringRef(key), value, document.GetAllocator());
}

}  // namespace

std::string to_json(const Flow &flow) {
  rapidjson::Document document;
  document.SetObject();
  add_string(document, "id", flow.id.to_string());
  add_string(document, "created", flow.created.to_iso8601());
  add_string(document, "updated", flow.updated.to_iso8601());
  add_string(document, "name", flow.name);
  add_stored_json(document, "tags", flow.tags_json);
  add_stored_json(document, "labels", flow.labels_json.value_or("{}"));
  return prefectd::to_json(document);
}

}  // namespace prefectd
