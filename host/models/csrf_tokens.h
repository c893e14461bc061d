// The csrf_token table: one token per client, rotated on every request.
#pragma once

#include "schemas/csrf_token.h"

namespace prefectd {

class DatabaseInterface;
class Session;

// Creates or rotates `client`'s token, valid for `lifetime_seconds`.
CsrfToken create_or_update_csrf_token(DatabaseInterface &database, Session &session, const std::string &client,
                                      double lifetime_seconds);
// Removes tokens whose expiration has passed; returns how many.
int64_t delete_expired_csrf_tokens(DatabaseInterface &database, Session &session);

}  // namespace prefectd
