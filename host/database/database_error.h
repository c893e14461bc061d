// A failed backend call, carried through the host as an exception.
#pragma once

#include <prefectd/backend.h>

#include <stdexcept>
#include <string>

namespace prefectd {

class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(pd_status status, const std::string &message, std::string native_code = {})
      : std::runtime_error(message), status_(status), native_code_(std::move(native_code)) {}
  explicit DatabaseError(const pd_error &error) : DatabaseError(error.status, error.message, error.native_code) {}

  pd_status status() const { return status_; }
  const std::string &native_code() const { return native_code_; }
  // Clients retry these (Prefect answers 503).
  bool retryable() const { return status_ == PD_BUSY || status_ == PD_UNAVAILABLE || status_ == PD_TIMEOUT; }

 private:
  pd_status status_;
  std::string native_code_;
};

// Throws DatabaseError unless `status` is one of the success codes.
inline pd_status check(pd_status status, const pd_error &error) {
  if (status != PD_OK && status != PD_ROW && status != PD_DONE) {
    if (error.status == PD_OK) throw DatabaseError(status, "backend call failed without a message");
    throw DatabaseError(error);
  }
  return status;
}

}  // namespace prefectd
