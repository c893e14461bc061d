#include "labels.h"

#include "core/python_json.h"

namespace prefectd {
namespace {

void overlay(rapidjson::Document &merged, const rapidjson::Value &layer) {
  if (!layer.IsObject()) return;
  auto &allocator = merged.GetAllocator();
  for (const auto &entry : layer.GetObject()) {
    rapidjson::Value value(entry.value, allocator);
    auto existing = merged.FindMember(entry.name);
    if (existing != merged.MemberEnd()) {
      existing->value = value;
    } else {
      merged.AddMember(rapidjson::Value(entry.name, allocator), value, allocator);
    }
  }
}

}  // namespace

std::string merge_labels(std::initializer_list<LabelLayer> layers) {
  rapidjson::Document merged;
  merged.SetObject();
  for (const LabelLayer &layer : layers) {
    if (layer.object != nullptr) overlay(merged, *layer.object);
    if (layer.stored_json) {
      rapidjson::Document parsed;
      parsed.Parse(layer.stored_json->c_str(), layer.stored_json->size());
      if (!parsed.HasParseError()) overlay(merged, parsed);
    }
  }
  return to_python_json(merged);
}

}  // namespace prefectd
