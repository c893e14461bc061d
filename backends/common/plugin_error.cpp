#include "plugin_error.h"

#include <algorithm>
#include <cstring>

namespace prefectd::backend {

pd_status fail(pd_error *error, pd_status status, std::string_view message, std::string_view native_code) {
  if (error == nullptr) return status;
  error->status = status;
  size_t code_size = std::min(native_code.size(), sizeof(error->native_code) - 1);
  // An empty string_view may hold a null pointer, which memcpy must not get.
  if (code_size > 0) std::memcpy(error->native_code, native_code.data(), code_size);
  error->native_code[code_size] = '\0';
  size_t size = std::min(message.size(), sizeof(error->message) - 1);
  if (size > 0) std::memcpy(error->message, message.data(), size);
  error->message[size] = '\0';
  // The message is documented as one line; database errors often are not.
  std::replace(error->message, error->message + size, '\n', ' ');
  return status;
}

}  // namespace prefectd::backend
