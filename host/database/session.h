// A connection checked out of the backend's pool, returned on destruction;
// and a transaction on it, rolled back on destruction unless committed.
#pragma once

#include <prefectd/backend.h>

#include "statement.h"

#include <string_view>
#include <utility>

namespace prefectd {

class Session {
 public:
  Session(const pd_configuration &configuration, pd_session *session)
      : configuration_(&configuration), session_(session) {}
  Session(Session &&other) noexcept
      : configuration_(other.configuration_), session_(std::exchange(other.session_, nullptr)) {}
  Session(const Session &) = delete;
  Session &operator=(const Session &) = delete;
  Session &operator=(Session &&) = delete;
  ~Session();

  // Runs a parameterless script (DDL, migrations).
  void execute(const char *sql);
  Statement prepare(std::string_view sql);

  pd_session *handle() const { return session_; }
  const pd_configuration &configuration() const { return *configuration_; }

 private:
  const pd_configuration *configuration_;
  pd_session *session_;
};

class Transaction {
 public:
  Transaction(Session &session, pd_transaction_mode mode);
  Transaction(const Transaction &) = delete;
  Transaction &operator=(const Transaction &) = delete;
  ~Transaction();

  void commit();
  void rollback();

 private:
  Session &session_;
  bool open_ = true;
};

}  // namespace prefectd
