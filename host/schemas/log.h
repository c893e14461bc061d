// A stored log line as the API returns it (objects.md, Log).
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

namespace prefectd {

struct Log {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  int64_t level = 0;
  std::string message;
  Timestamp timestamp;
  std::optional<Uuid> flow_run_id;
  std::optional<Uuid> task_run_id;
};

void write_log(const Log &log, rapidjson::Value &out, rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
