#include "session.h"

#include "database_error.h"

#include <spdlog/spdlog.h>

namespace prefectd {

Session::~Session() {
  if (session_ != nullptr) configuration_->xRelease(session_);
}

void Session::execute(const char *sql) {
  pd_error error{};
  check(configuration_->xExecute(session_, sql, &error), error);
}

Statement Session::prepare(std::string_view sql) {
  pd_error error{};
  pd_statement *statement = nullptr;
  check(configuration_->xPrepare(session_, sql.data(), sql.size(), &statement, &error), error);
  return Statement(*configuration_, statement);
}

Transaction::Transaction(Session &session, pd_transaction_mode mode) : session_(session) {
  pd_error error{};
  check(session_.configuration().xBegin(session_.handle(), mode, &error), error);
}

Transaction::~Transaction() {
  if (!open_) return;
  pd_error error{};
  if (session_.configuration().xRollback(session_.handle(), &error) != PD_OK) {
    // Releasing the session rolls back too; nothing more to do than say so.
    spdlog::warn("rollback failed: {}", error.message);
  }
}

void Transaction::commit() {
  pd_error error{};
  open_ = false;
  check(session_.configuration().xCommit(session_.handle(), &error), error);
}

void Transaction::rollback() {
  pd_error error{};
  open_ = false;
  check(session_.configuration().xRollback(session_.handle(), &error), error);
}

}  // namespace prefectd
