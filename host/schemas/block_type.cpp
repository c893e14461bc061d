#include "block_type.h"

#include "api/json_writer.h"
#include "json_fields.h"

namespace prefectd {

rapidjson::Value block_type_json(const BlockType &block_type, rapidjson::Document::AllocatorType &allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  JsonFields(object, allocator)
      .uuid("id", block_type.id)
      .timestamp("created", block_type.created)
      .timestamp("updated", block_type.updated)
      .string("name", block_type.name)
      .string("slug", block_type.slug)
      .string("logo_url", block_type.logo_url)
      .string("documentation_url", block_type.documentation_url)
      .string("description", block_type.description)
      .string("code_example", block_type.code_example)
      .boolean("is_protected", block_type.is_protected);
  return object;
}

std::string to_json(const BlockType &block_type) {
  rapidjson::Document document;
  rapidjson::Value object = block_type_json(block_type, document.GetAllocator());
  return prefectd::to_json(object);
}

}  // namespace prefectd
