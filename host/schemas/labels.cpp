#include "labels.h"

#include "core/python_json.h"

namespace prefectd {
namespace {

void put(rapidjson::Document &merged, rapidjson::Value name, rapidjson::Value value) {
  auto existing = merged.FindMember(name);
  if (existing != merged.MemberEnd()) {
    existing->value = value;
  } else {
    merged.AddMember(name, value, merged.GetAllocator());
  }
}

void overlay(rapidjson::Document &merged, const rapidjson::Value &layer) {
  if (!layer.IsObject()) return;
  auto &allocator = merged.GetAllocator();
  for (const auto &entry : layer.GetObject()) {
    put(merged, rapidjson::Value(entry.name, allocator), rapidjson::Value(entry.value, allocator));
  }
}

}  // namespace

std::string merge_labels(std::initializer_list<LabelLayer> layers) {
  rapidjson::Document merged;
  merged.SetObject();
  for (const LabelLayer &layer : layers) {
    if (layer.object != nullptr) overlay(merged, *layer.object);
    if (!layer.key.empty()) {
      put(merged, rapidjson::Value(layer.key.c_str(), merged.GetAllocator()),
          rapidjson::Value(layer.value.c_str(), merged.GetAllocator()));
    }
    if (layer.stored_json) {
      rapidjson::Document parsed;
      parsed.Parse(layer.stored_json->c_str(), layer.stored_json->size());
      if (!parsed.HasParseError()) overlay(merged, parsed);
    }
  }
  return to_python_json(merged);
}

}  // namespace prefectd
