// Transactions and scripts on one checked-out connection.
#pragma once

#include "handles.h"

namespace prefectd::postgres {

pd_status acquire_session(pd_database &database, pd_session *&session, pd_error *error);
// Rolls back an open transaction and returns the connection to the pool, or
// closes it when its state is unknown.
void release_session(pd_session *session);

pd_status begin_transaction(pd_session &session, pd_transaction_mode mode, pd_error *error);
pd_status commit_transaction(pd_session &session, pd_error *error);
pd_status rollback_transaction(pd_session &session, pd_error *error);
pd_status execute_script(pd_session &session, const char *sql, pd_error *error);

// Marks the session broken when libpq reports the connection lost; call after
// every round trip.
void note_connection_state(pd_session &session);

}  // namespace prefectd::postgres
