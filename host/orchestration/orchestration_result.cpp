#include "orchestration_result.h"

#include "api/json_writer.h"

namespace prefectd {
namespace {

const char *details_type(SetStateStatus kind) {
  switch (kind) {
    case SetStateStatus::Accept:
      return "accept_details";
    case SetStateStatus::Reject:
      return "reject_details";
    case SetStateStatus::Wait:
      return "wait_details";
    case SetStateStatus::Abort:
      return "abort_details";
  }
  return "accept_details";
}

}  // namespace

std::string_view to_string(SetStateStatus status) {
  switch (status) {
    case SetStateStatus::Accept:
      return "ACCEPT";
    case SetStateStatus::Reject:
      return "REJECT";
    case SetStateStatus::Wait:
      return "WAIT";
    case SetStateStatus::Abort:
      return "ABORT";
  }
  return "ACCEPT";
}

StateResponseDetails StateResponseDetails::reject(std::string reason) {
  return {SetStateStatus::Reject, std::move(reason), 0};
}
StateResponseDetails StateResponseDetails::wait(int64_t delay_seconds, std::string reason) {
  return {SetStateStatus::Wait, std::move(reason), delay_seconds};
}
StateResponseDetails StateResponseDetails::abort(std::string reason) {
  return {SetStateStatus::Abort, std::move(reason), 0};
}

void write_orchestration_result(const OrchestrationResult &result, rapidjson::Value &out,
                                rapidjson::Document::AllocatorType &allocator) {
  out.SetObject();
  rapidjson::Value state;
  if (result.state) write_state(*result.state, state, allocator);
  out.AddMember("state", state, allocator);
  auto status = to_string(result.status);
  out.AddMember("status", rapidjson::Value(status.data(), static_cast<rapidjson::SizeType>(status.size()), allocator),
                allocator);
  rapidjson::Value details(rapidjson::kObjectType);
  const auto &source = result.details;
  details.AddMember("type", rapidjson::StringRef(details_type(source.kind)), allocator);
  if (source.kind == SetStateStatus::Wait)
    details.AddMember("delay_seconds", rapidjson::Value(source.delay_seconds), allocator);
  if (source.kind != SetStateStatus::Accept) {
    rapidjson::Value reason;
    if (source.reason) reason.SetString(source.reason->c_str(), allocator);
    details.AddMember("reason", reason, allocator);
  }
  out.AddMember("details", details, allocator);
}

std::string to_json(const OrchestrationResult &result) {
  rapidjson::Document document;
  write_orchestration_result(result, document, document.GetAllocator());
  return prefectd::to_json(document);
}

}  // namespace prefectd
