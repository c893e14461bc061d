// FlowRunInput: {id, created, updated, flow_run_id, key, value, sender}.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace prefectd {

struct FlowRunInput {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  Uuid flow_run_id;
  std::string key;
  std::string value;  // the client's text as sent, usually JSON, kept verbatim
  std::optional<std::string> sender;
};

void write_flow_run_input(const FlowRunInput &input, rapidjson::Value &out,
                          rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
