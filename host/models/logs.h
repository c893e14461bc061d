// The log table: batch inserts as clients send them.
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

struct LogRecord {
  Uuid id;
  std::string name;
  int64_t level = 0;
  std::string message;
  Timestamp timestamp;
  std::optional<Uuid> flow_run_id;
  std::optional<Uuid> task_run_id;
};

// Inserts every record, in multi-row statements of bounded size.
void insert_logs(DatabaseInterface &database, Session &session, const std::vector<LogRecord> &logs);

}  // namespace prefectd
