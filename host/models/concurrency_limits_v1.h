// The legacy concurrency_limit table (v1 tag limits). Prefect 3.8 migrates
// its rows to v2 "tag:" limits and writes none; they are still read, reset,
// deleted and honoured where a database carries some (the fallback paths).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct ConcurrencyLimitV1Row {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string tag;
  int64_t concurrency_limit = 0;
  std::vector<std::string> active_slots;  // task run ids as text
};

std::optional<ConcurrencyLimitV1Row> read_concurrency_limit_v1(DatabaseInterface &database, Session &session,
                                                               const Uuid &id);
std::optional<ConcurrencyLimitV1Row> read_concurrency_limit_v1_by_tag(DatabaseInterface &database, Session &session,
                                                                      const std::string &tag);
// By tag, `limit` rows from `offset`.
std::vector<ConcurrencyLimitV1Row> read_concurrency_limits_v1(DatabaseInterface &database, Session &session,
                                                              int64_t limit, int64_t offset);
// The rows of these tags, locked for update (the orchestration read).
std::vector<ConcurrencyLimitV1Row> read_concurrency_limits_v1_for_tags(DatabaseInterface &database, Session &session,
                                                                       const std::vector<std::string> &tags);
void write_concurrency_limit_v1_slots(DatabaseInterface &database, Session &session, const std::string &tag,
                                      const std::vector<std::string> &active_slots);
bool delete_concurrency_limit_v1(DatabaseInterface &database, Session &session, const Uuid &id);
bool delete_concurrency_limit_v1_by_tag(DatabaseInterface &database, Session &session, const std::string &tag);

}  // namespace prefectd
