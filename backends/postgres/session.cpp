#include "session.h"

#include "error_mapping.h"
#include "host_services.h"
#include "plugin_error.h"

#include <cstring>
#include <memory>

namespace prefectd::postgres {

pd_status acquire_session(pd_database &database, pd_session *&session, pd_error *error) {
  auto created = std::make_unique<pd_session>();
  created->database = &database;
  if (pd_status status = database.pool->acquire(created->pooled, error); status != PD_OK) return status;
  session = created.release();
  return PD_OK;
}

void release_session(pd_session *session) {
  std::unique_ptr<pd_session> owned(session);
  PGconn *connection = owned->connection();
  bool reusable = !owned->broken && connection != nullptr && PQstatus(connection) == CONNECTION_OK;
  if (reusable) {
    switch (PQtransactionStatus(connection)) {
      case PQTRANS_IDLE:
        break;
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR:
        reusable =
            run_command(connection, "ROLLBACK", nullptr) == PD_OK && PQtransactionStatus(connection) == PQTRANS_IDLE;
        break;
      default:  // a command still running, or the state is unknown
        reusable = false;
        break;
    }
  }
  owned->database->pool->release(std::move(owned->pooled), reusable);
}

void note_connection_state(pd_session &session) {
  if (PQstatus(session.connection()) != CONNECTION_OK) session.broken = true;
}

pd_status begin_transaction(pd_session &session, pd_transaction_mode mode, pd_error *error) {
  if (mode != PD_TRANSACTION_READ && mode != PD_TRANSACTION_WRITE) {
    return backend::fail(error, PD_MISUSE, "unknown transaction mode");
  }
  if (PQtransactionStatus(session.connection()) != PQTRANS_IDLE) {
    return backend::fail(error, PD_MISUSE, "a transaction is already open on this session");
  }
  // Both modes are READ COMMITTED, spelled out so that a different
  // default_transaction_isolation (a URL option) never changes what Prefect's
  // conditional updates rely on. Writers lock rows with SELECT ... FOR UPDATE.
  pd_status status = run_command(session.connection(), "BEGIN ISOLATION LEVEL READ COMMITTED", error);
  note_connection_state(session);
  return status;
}

pd_status commit_transaction(pd_session &session, pd_error *error) {
  PgResult result(PQexec(session.connection(), "COMMIT"));
  pd_status status = check_result(session.connection(), result.get(), error);
  note_connection_state(session);
  if (status != PD_OK) return status;
  // COMMIT of a transaction that already failed succeeds as a ROLLBACK.
  if (std::strcmp(PQcmdStatus(result.get()), "ROLLBACK") == 0) {
    return backend::fail(error, PD_ERROR, "the transaction was rolled back because a statement in it had failed");
  }
  return PD_OK;
}

pd_status rollback_transaction(pd_session &session, pd_error *error) {
  pd_status status = run_command(session.connection(), "ROLLBACK", error);
  note_connection_state(session);
  return status;
}

pd_status execute_script(pd_session &session, const char *sql, pd_error *error) {
  // PQexec runs every statement of the script; the last result reports the
  // first failure, after which the server skips the rest.
  pd_status status = run_command(session.connection(), sql, error);
  note_connection_state(session);
  return status;
}

}  // namespace prefectd::postgres
