// SavedSearch: {id, created, updated, name, filters: [{object, property, type, operation, value}]}.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <string>

namespace prefectd {

struct SavedSearch {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  std::string filters_json = "[]";
};

void write_saved_search(const SavedSearch &search, rapidjson::Value &out,
                        rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
