// KeyValueLabels: merging the system labels Prefect adds at creation with
// the client's (objects.md §2.5). Later layers win.
#pragma once

#include <rapidjson/document.h>

#include <initializer_list>
#include <optional>
#include <string>

namespace prefectd {

struct LabelLayer {
  std::optional<std::string> stored_json;    // a JSON object as text, or nothing
  const rapidjson::Value *object = nullptr;  // or a parsed object
};

// The merged object as Python-json text.
std::string merge_labels(std::initializer_list<LabelLayer> layers);

}  // namespace prefectd
