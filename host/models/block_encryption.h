// The Fernet key that block document data is encrypted with, found as
// Prefect finds it: PREFECT_SERVER_ENCRYPTION_KEY (or the legacy
// ORION_ENCRYPTION_KEY), else the configuration row ENCRYPTION_KEY
// ({"fernet_key": ...}), which is generated and stored on first need.
#pragma once

#include "core/fernet.h"

namespace prefectd {

class DatabaseInterface;
class Session;

// `session` must be in a write transaction when no key may exist yet
// (creating a document); reads pass may_create = false and get an error
// if the database has no key.
Fernet block_data_cipher(DatabaseInterface &database, Session &session, bool may_create);

}  // namespace prefectd
