#include "csrf_tokens.h"

#include "database/database_interface.h"

#include <random>

namespace prefectd {
namespace {

// 32 random bytes as 64 hex characters, like Python's secrets.token_hex(32).
std::string random_token() {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::random_device device;
  std::string token;
  token.reserve(64);
  for (int i = 0; i < 32; ++i) {
    const auto byte = static_cast<uint8_t>(device());
    token.push_back(kDigits[byte >> 4]);
    token.push_back(kDigits[byte & 0xf]);
  }
  return token;
}

}  // namespace

CsrfToken create_or_update_csrf_token(DatabaseInterface &database, Session &session, const std::string &client,
                                      double lifetime_seconds) {
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  CsrfToken candidate{Uuid::v4(), now, now, random_token(), client, now.plus_seconds(lifetime_seconds)};
  std::string upsert = "INSERT INTO csrf_token (id, created, updated, token, client, expiration) VALUES (" +
                       q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " + q.placeholder(3) +
                       ", " + q.placeholder(4) + ", " + q.placeholder(5) + ")" +
                       q.upsert_clause(database.upsert_columns("csrf_token"), {"token", "expiration", "updated"});
  session.prepare(upsert)
      .bind(1, candidate.id)
      .bind(2, now)
      .bind(3, candidate.token)
      .bind(4, client)
      .bind(5, candidate.expiration)
      .execute();

  Statement read = session.prepare(
      "SELECT id, created, updated, token, client, expiration FROM csrf_token WHERE client = " + q.placeholder(1));
  read.bind(1, client);
  if (!read.step()) throw std::runtime_error("csrf token vanished after upsert");
  return CsrfToken{*read.uuid(0), *read.timestamp(1), *read.timestamp(2),
                   *read.text(3), *read.text(4),      *read.timestamp(5)};
}

int64_t delete_expired_csrf_tokens(DatabaseInterface &database, Session &session) {
  return session.prepare("DELETE FROM csrf_token WHERE expiration < " + database.queries().placeholder(1))
      .bind(1, Timestamp::now())
      .execute();
}

}  // namespace prefectd
