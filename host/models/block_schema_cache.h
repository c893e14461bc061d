// Block schemas kept between block document reads: a read by slug and name
// would otherwise spend half its queries re-reading a schema that cannot
// change (schemas are created and deleted, never updated; deleting one
// deletes its documents). The block type embedded in a schema can be
// patched, so an entry is used only while the type's `updated` matches the
// one the document's own query just read.
#pragma once

#include "schemas/block_schema.h"

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>

namespace prefectd {

class BlockSchemaCache {
 public:
  explicit BlockSchemaCache(size_t capacity = 1024) : capacity_(capacity) {}

  std::optional<BlockSchema> find(const Uuid &schema_id, Timestamp block_type_updated) const;
  void remember(const BlockSchema &schema);

 private:
  size_t capacity_;
  mutable std::mutex mutex_;
  std::map<Uuid, BlockSchema> schemas_;
};

}  // namespace prefectd
