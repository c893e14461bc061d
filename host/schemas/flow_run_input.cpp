#include "flow_run_input.h"

#include "json_fields.h"

namespace prefectd {

void write_flow_run_input(const FlowRunInput &input, rapidjson::Value &out,
                          rapidjson::Document::AllocatorType &allocator) {
  JsonFields(out, allocator)
      .uuid("id", input.id)
      .timestamp("created", input.created)
      .timestamp("updated", input.updated)
      .uuid("flow_run_id", input.flow_run_id)
      .string("key", input.key)
      .string("value", input.value)
      .string("sender", input.sender);
}

}  // namespace prefectd
