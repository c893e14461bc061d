// The server's default result storage block, kept in the configuration
// table under "server-default-result-storage" as
// {"default_result_storage_block_id": "<uuid>"}, as Prefect keeps it.
#pragma once

#include "core/uuid.h"

#include <optional>

namespace prefectd {

class DatabaseInterface;
class Session;

// nullopt when none is configured.
std::optional<Uuid> read_default_result_storage(DatabaseInterface &database, Session &session);

enum class StorageBlockCheck {
  Usable,      // a block document whose schema has the "write-path" capability
  Missing,     // no such block document
  NotStorage,  // its schema lacks "write-path"
};
StorageBlockCheck check_result_storage_block(DatabaseInterface &database, Session &session, const Uuid &block_id);

void write_default_result_storage(DatabaseInterface &database, Session &session, const Uuid &block_id);
void clear_default_result_storage(DatabaseInterface &database, Session &session);

}  // namespace prefectd
