#include "block_schema_cache.h"

namespace prefectd {

std::optional<BlockSchema> BlockSchemaCache::find(const Uuid &schema_id, Timestamp block_type_updated) const {
  std::lock_guard lock(mutex_);
  auto found = schemas_.find(schema_id);
  if (found == schemas_.end() || !found->second.block_type || found->second.block_type->updated != block_type_updated) {
    return std::nullopt;
  }
  return found->second;
}

void BlockSchemaCache::remember(const BlockSchema &schema) {
  std::lock_guard lock(mutex_);
  // Schemas are few; a full cache starts over rather than tracking use.
  if (schemas_.size() >= capacity_) schemas_.clear();
  schemas_.insert_or_assign(schema.id, schema);
}

}  // namespace prefectd
