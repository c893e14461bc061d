// CsrfToken: {id, created, updated, token, client, expiration}.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <string>

namespace prefectd {

struct CsrfToken {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string token;
  std::string client;
  Timestamp expiration;
};

std::string to_json(const CsrfToken &token);

}  // namespace prefectd
