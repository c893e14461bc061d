// Prefect's block registration (server/models/block_registration.py): the
// protected system block types (Webhook, Secret, LocalFileSystem) and every
// other Block class the prefect package defines, with the types and schemas
// Prefect 3 renders for them, read from the embedded
// data/registered_block_types.json (tools/render_block_registry.py writes it).
// Collection (integration) blocks are not shipped.
#pragma once

namespace prefectd {

class DatabaseInterface;
class Session;

// POST /block_types/install_system_block_types: upserts each protected type
// by slug (marked protected, every field overwritten) and creates its
// schema; idempotent. Runs in the caller's write transaction.
void install_system_block_types(DatabaseInterface &database, Session &session);

// run_block_auto_registration at start-up: the system types as above, then
// every registered block the way register_block_type / register_block_schema
// do (an existing type is updated by slug; a schema is created unless one
// with its checksum and version exists). Each block in its own write
// transaction; a failure is logged and the next block goes on, as in Prefect.
void run_block_auto_registration(DatabaseInterface &database);

}  // namespace prefectd
