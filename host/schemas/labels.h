// KeyValueLabels: merging the system labels Prefect adds at creation with
// the client's (objects.md §2.5). Later layers win.
#pragma once

#include <rapidjson/document.h>

#include <initializer_list>
#include <optional>
#include <string>

namespace prefectd {

// A layer of labels: a JSON object as text, or a parsed object, or one
// label with a string value (system_label).
struct LabelLayer {
  LabelLayer() = default;
  LabelLayer(std::optional<std::string> stored, const rapidjson::Value *parsed = nullptr)
      : stored_json(std::move(stored)), object(parsed) {}

  std::optional<std::string> stored_json;
  const rapidjson::Value *object = nullptr;
  std::string key;
  std::string value;
};

// One system label, such as "prefect.flow.id": "<uuid>".
inline LabelLayer system_label(std::string key, std::string value) {
  LabelLayer layer;
  layer.key = std::move(key);
  layer.value = std::move(value);
  return layer;
}

// The merged object as Python-json text.
std::string merge_labels(std::initializer_list<LabelLayer> layers);

}  // namespace prefectd
