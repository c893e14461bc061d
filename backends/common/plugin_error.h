// Filling the caller's pd_error, and the exception firewall every exported
// plugin function goes through: nothing thrown inside a plugin may cross the
// C boundary.
#pragma once

#include <prefectd/backend.h>

#include <exception>
#include <new>
#include <string_view>

namespace prefectd::backend {

// Writes status, native code and message (truncated to fit) into `error`,
// which may be null. Returns `status` so callers can `return fail(...)`.
pd_status fail(pd_error *error, pd_status status, std::string_view message, std::string_view native_code = {});

// Runs `body` (returning pd_status) and converts any escaping exception into
// PD_NOMEM or PD_ERROR with its message.
template <typename Body>
pd_status guarded(pd_error *error, Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(error, PD_NOMEM, "out of memory");
  } catch (const std::exception &exception) {
    return fail(error, PD_ERROR, exception.what());
  } catch (...) {
    return fail(error, PD_ERROR, "unknown error inside the backend");
  }
}

// Appends text to a caller-owned sink.
inline void append(pd_sink *out, std::string_view text) {
  out->xAppend(out->context, text.data(), text.size());
}

}  // namespace prefectd::backend
