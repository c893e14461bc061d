#include "saved_search.h"

#include "json_fields.h"

namespace prefectd {

void write_saved_search(const SavedSearch &search, rapidjson::Value &out,
                        rapidjson::Document::AllocatorType &allocator) {
  JsonFields(out, allocator)
      .uuid("id", search.id)
      .timestamp("created", search.created)
      .timestamp("updated", search.updated)
      .string("name", search.name)
      .stored_json("filters", search.filters_json, "[]");
}

}  // namespace prefectd
