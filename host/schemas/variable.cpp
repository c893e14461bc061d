#include "variable.h"

#include "json_fields.h"

namespace prefectd {

void write_variable(const Variable &variable, rapidjson::Value &out, rapidjson::Document::AllocatorType &allocator) {
  JsonFields(out, allocator)
      .uuid("id", variable.id)
      .timestamp("created", variable.created)
      .timestamp("updated", variable.updated)
      .string("name", variable.name)
      .stored_json("value", variable.value_json)
      .stored_json("tags", variable.tags_json, "[]");
}

}  // namespace prefectd
