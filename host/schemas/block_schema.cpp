#include "block_schema.h"

#include "api/json_writer.h"
#include "core/python_json.h"
#include "core/sha256.h"
#include "json_fields.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace prefectd {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

constexpr std::string_view kDefinitionPrefix = "#/definitions/";

// A copy of `value` without `key` in any object at any depth (Prefect's
// remove_nested_keys: it descends through objects only, not lists).
rapidjson::Value without_nested_key(const rapidjson::Value &value, std::string_view key, Allocator &allocator) {
  if (!value.IsObject()) return rapidjson::Value(value, allocator);
  rapidjson::Value copy(rapidjson::kObjectType);
  for (const auto &member : value.GetObject()) {
    if (std::string_view(member.name.GetString(), member.name.GetStringLength()) == key) continue;
    copy.AddMember(rapidjson::Value(member.name, allocator), without_nested_key(member.value, key, allocator),
                   allocator);
  }
  return copy;
}

// A copy with object members sorted by key, as json.dumps(sort_keys=True) writes them.
rapidjson::Value sorted_keys(const rapidjson::Value &value, Allocator &allocator) {
  if (value.IsArray()) {
    rapidjson::Value copy(rapidjson::kArrayType);
    for (const auto &item : value.GetArray()) copy.PushBack(sorted_keys(item, allocator), allocator);
    return copy;
  }
  if (!value.IsObject()) return rapidjson::Value(value, allocator);
  std::vector<const rapidjson::Value::Member *> members;
  for (const auto &member : value.GetObject()) members.push_back(&member);
  std::stable_sort(members.begin(), members.end(), [](const auto *a, const auto *b) {
    return std::string_view(a->name.GetString(), a->name.GetStringLength()) <
           std::string_view(b->name.GetString(), b->name.GetStringLength());
  });
  rapidjson::Value copy(rapidjson::kObjectType);
  for (const auto *member : members)
    copy.AddMember(rapidjson::Value(member->name, allocator), sorted_keys(member->value, allocator), allocator);
  return copy;
}

void add_non_block_definitions(const rapidjson::Value &object, const rapidjson::Value &definitions,
                               rapidjson::Value &found, Allocator &allocator, int depth) {
  if (depth > 64 || !definitions.IsObject()) return;
  std::vector<std::string> references;
  collect_reference_strings(object, references);
  for (const std::string &reference : references) {
    std::string key = reference;
    if (auto at = key.find(kDefinitionPrefix); at != std::string::npos) key.erase(at, kDefinitionPrefix.size());
    auto definition = definitions.FindMember(key.c_str());
    if (definition == definitions.MemberEnd() || !definition->value.IsObject() || definition->value.ObjectEmpty())
      continue;
    auto slug = definition->value.FindMember("block_type_slug");
    if (slug != definition->value.MemberEnd() && !slug->value.IsNull()) continue;
    if (auto existing = found.FindMember(key.c_str()); existing != found.MemberEnd()) found.RemoveMember(existing);
    found.AddMember(rapidjson::Value(key.c_str(), allocator), rapidjson::Value(definition->value, allocator),
                    allocator);
    add_non_block_definitions(definition->value, definitions, found, allocator, depth + 1);
  }
}

}  // namespace

void collect_reference_strings(const rapidjson::Value &value, std::vector<std::string> &references) {
  if (value.IsObject()) {
    if (auto ref = value.FindMember("$ref"); ref != value.MemberEnd() && ref->value.IsString())
      references.emplace_back(ref->value.GetString(), ref->value.GetStringLength());
    for (const auto &member : value.GetObject()) collect_reference_strings(member.value, references);
  } else if (value.IsArray()) {
    for (const auto &item : value.GetArray()) collect_reference_strings(item, references);
  }
}

rapidjson::Value non_block_reference_definitions(const rapidjson::Value &object, const rapidjson::Value &definitions,
                                                 Allocator &allocator) {
  rapidjson::Value found(rapidjson::kObjectType);
  add_non_block_definitions(object, definitions, found, allocator, 0);
  return found;
}

std::string block_schema_checksum(const rapidjson::Value &fields) {
  rapidjson::Document document;
  Allocator &allocator = document.GetAllocator();
  rapidjson::Value trimmed = without_nested_key(fields, "secret_fields", allocator);
  if (trimmed.IsObject()) {
    auto definitions = trimmed.FindMember("definitions");
    if (definitions != trimmed.MemberEnd() && definitions->value.IsObject() && !definitions->value.ObjectEmpty()) {
      rapidjson::Value kept = non_block_reference_definitions(trimmed, definitions->value, allocator);
      if (kept.ObjectEmpty())
        trimmed.RemoveMember("definitions");
      else
        trimmed["definitions"] = kept;
    }
  }
  // hash_objects(fields) hashes json.dumps((args, kwargs)): [[fields], {}].
  rapidjson::Value args(rapidjson::kArrayType);
  args.PushBack(sorted_keys(trimmed, allocator), allocator);
  rapidjson::Value hashed(rapidjson::kArrayType);
  hashed.PushBack(args, allocator);
  hashed.PushBack(rapidjson::Value(rapidjson::kObjectType), allocator);
  return "sha256:" + sha256_hex(to_python_json(hashed));
}

rapidjson::Value block_schema_json(const BlockSchema &block_schema, Allocator &allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  JsonFields fields(object, allocator);
  fields.uuid("id", block_schema.id)
      .timestamp("created", block_schema.created)
      .timestamp("updated", block_schema.updated)
      .string("checksum", block_schema.checksum)
      .stored_json("fields", block_schema.fields_json, "{}")
      .uuid("block_type_id", block_schema.block_type_id);
  if (block_schema.block_type) {
    rapidjson::Value type = block_type_json(*block_schema.block_type, allocator);
    fields.value("block_type", type);
  } else {
    fields.null("block_type");
  }
  fields.stored_json("capabilities", block_schema.capabilities_json, "[]").string("version", block_schema.version);
  return object;
}

std::string to_json(const BlockSchema &block_schema) {
  rapidjson::Document document;
  rapidjson::Value object = block_schema_json(block_schema, document.GetAllocator());
  return prefectd::to_json(object);
}

}  // namespace prefectd
