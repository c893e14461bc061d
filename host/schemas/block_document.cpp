#include "block_document.h"

#include "api/json_writer.h"
#include "json_fields.h"

#include <utility>
#include <vector>

namespace prefectd {
namespace {

using Allocator = rapidjson::Document::AllocatorType;
using Path = std::vector<std::string>;
using Leaves = std::vector<std::pair<Path, rapidjson::Value *>>;

// Prefect's dict_to_flatdict: every value that is not a non-empty object,
// under the chain of keys leading to it.
void collect_leaves(rapidjson::Value &object, Path &path, Leaves &leaves) {
  for (auto &member : object.GetObject()) {
    path.emplace_back(member.name.GetString(), member.name.GetStringLength());
    if (member.value.IsObject() && !member.value.ObjectEmpty())
      collect_leaves(member.value, path, leaves);
    else
      leaves.emplace_back(path, &member.value);
    path.pop_back();
  }
}

Leaves leaves_of(rapidjson::Value &data) {
  Leaves leaves;
  Path path;
  if (data.IsObject()) collect_leaves(data, path, leaves);
  return leaves;
}

Path split_dotted(std::string_view dotted) {
  Path parts;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted.find('.', start);
    parts.emplace_back(dotted.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

rapidjson::Value *leaf_at(const Leaves &leaves, const Path &path) {
  for (const auto &[leaf_path, value] : leaves)
    if (leaf_path == path) return value;
  return nullptr;
}

// The position of "*" in `key`, if any.
std::optional<size_t> wildcard_index(const Path &key) {
  for (size_t i = 0; i < key.size(); ++i)
    if (key[i] == "*") return i;
  return std::nullopt;
}

// Python's key[0:n] == other[0:n] on tuples.
bool same_prefix(const Path &key, const Path &other, size_t length) {
  if (other.size() < length) return false;
  return std::equal(key.begin(), key.begin() + long(length), other.begin());
}

bool is_obfuscated(const rapidjson::Value &value) {
  return value.IsString() && std::string_view(value.GetString(), value.GetStringLength()) == kObfuscatedSecret;
}

void obfuscate(rapidjson::Value &value, Allocator &allocator) {
  value.SetString(kObfuscatedSecret.data(), rapidjson::SizeType(kObfuscatedSecret.size()), allocator);
}

template <class Action>
void for_each_secret_key(const rapidjson::Value &secret_fields, Action &&action) {
  if (!secret_fields.IsArray()) return;
  for (const auto &field : secret_fields.GetArray())
    if (field.IsString()) action(split_dotted(std::string_view(field.GetString(), field.GetStringLength())));
}

}  // namespace

void obfuscate_secret_fields(rapidjson::Value &data, const rapidjson::Value &secret_fields, Allocator &allocator) {
  const Leaves leaves = leaves_of(data);
  for_each_secret_key(secret_fields, [&](const Path &key) {
    if (rapidjson::Value *value = leaf_at(leaves, key); value && !value->IsNull()) {
      obfuscate(*value, allocator);
    } else if (auto wildcard = wildcard_index(key)) {
      for (const auto &[path, leaf] : leaves)
        if (same_prefix(key, path, *wildcard)) obfuscate(*leaf, allocator);
    }
  });
}

void restore_obfuscated_secrets(rapidjson::Value &update, const rapidjson::Value &current,
                                const rapidjson::Value &secret_fields, Allocator &allocator) {
  const Leaves update_leaves = leaves_of(update);
  rapidjson::Value current_copy(current, allocator);
  const Leaves current_leaves = leaves_of(current_copy);
  for_each_secret_key(secret_fields, [&](const Path &key) {
    if (rapidjson::Value *secret = leaf_at(current_leaves, key); secret && !secret->IsNull()) {
      if (rapidjson::Value *sent = leaf_at(update_leaves, key); sent && is_obfuscated(*sent))
        sent->CopyFrom(*secret, allocator);
    } else if (auto wildcard = wildcard_index(key)) {
      for (const auto &[path, sent] : update_leaves) {
        if (!same_prefix(key, path, *wildcard) || !is_obfuscated(*sent)) continue;
        if (rapidjson::Value *kept = leaf_at(current_leaves, path)) sent->CopyFrom(*kept, allocator);
      }
    }
  });
}

rapidjson::Value block_document_json(const BlockDocument &document, Allocator &allocator) {
  rapidjson::Value object(rapidjson::kObjectType);
  JsonFields fields(object, allocator);
  fields.uuid("id", document.id)
      .timestamp("created", document.created)
      .timestamp("updated", document.updated)
      .string("name", document.name);
  rapidjson::Value data(document.data, allocator);
  fields.value("data", data).uuid("block_schema_id", document.block_schema_id);
  if (document.block_schema) {
    rapidjson::Value schema = block_schema_json(*document.block_schema, allocator);
    fields.value("block_schema", schema);
  } else {
    fields.null("block_schema");
  }
  rapidjson::Value type = block_type_json(document.block_type, allocator);
  fields.uuid("block_type_id", document.block_type_id)
      .string("block_type_name", document.block_type_name)
      .value("block_type", type);
  rapidjson::Value references(document.references, allocator);
  fields.value("block_document_references", references).boolean("is_anonymous", document.is_anonymous);
  return object;
}

std::string to_json(const BlockDocument &document) {
  rapidjson::Document output;
  rapidjson::Value object = block_document_json(document, output.GetAllocator());
  return prefectd::to_json(object);
}

}  // namespace prefectd
