// The block types Prefect's server installs as protected (Webhook, Secret,
// LocalFileSystem) with their schemas, read from the embedded
// system_block_types.json.
#pragma once

namespace prefectd {

class DatabaseInterface;
class Session;

// Upserts each type by slug (marked protected) and registers its schema;
// idempotent. Runs in the caller's write transaction.
void install_system_block_types(DatabaseInterface &database, Session &session);

}  // namespace prefectd
