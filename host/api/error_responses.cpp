#include "error_responses.h"

#include "json_writer.h"

namespace prefectd {

HttpResponse detail_response(int status, std::string_view message) {
  return {status, "{\"detail\":" + json_string(message) + "}"};
}

HttpResponse exception_message_response(int status, std::string_view message) {
  return {status, "{\"exception_message\":" + json_string(message) + "}"};
}

HttpResponse not_found_response() {
  return detail_response(404, "Not Found");
}
HttpResponse method_not_allowed_response() {
  return detail_response(405, "Method Not Allowed");
}
HttpResponse internal_error_response() {
  return exception_message_response(500, "Internal Server Error");
}
HttpResponse service_unavailable_response() {
  return exception_message_response(503, "Service Unavailable");
}

HttpResponse integrity_conflict_response() {
  return detail_response(409,
                         "Data integrity conflict. This usually means a unique or foreign key constraint was "
                         "violated. See server logs for details.");
}

void throw_detail(int status, std::string_view message) {
  HttpResponse response = detail_response(status, message);
  throw HttpError(status, std::move(response.body));
}

HttpResponse validation_error_response(const std::vector<ValidationIssue> &issues,
                                       const std::string &request_body_json) {
  std::string body = "{\"exception_message\":\"Invalid request received.\",\"exception_detail\":[";
  for (size_t i = 0; i < issues.size(); ++i) {
    const ValidationIssue &issue = issues[i];
    if (i > 0) body += ",";
    body += "{\"type\":" + json_string(issue.type) + ",\"loc\":[";
    for (size_t j = 0; j < issue.location.size(); ++j) {
      if (j > 0) body += ",";
      const LocationPart &part = issue.location[j];
      body += std::holds_alternative<size_t>(part) ? std::to_string(std::get<size_t>(part))
                                                   : json_string(std::get<std::string>(part));
    }
    body += "],\"msg\":" + json_string(issue.message) + ",\"input\":" + issue.input_json;
    if (!issue.context_json.empty()) body += ",\"ctx\":" + issue.context_json;
    body += "}";
  }
  body += "],\"request_body\":" + request_body_json + "}";
  return {422, body};
}

void throw_exception_message(int status, std::string_view message) {
  HttpResponse response = exception_message_response(status, message);
  throw HttpError(status, std::move(response.body));
}

void throw_validation_error(const std::vector<ValidationIssue> &issues, const std::string &request_body_json) {
  HttpResponse response = validation_error_response(issues, request_body_json);
  throw HttpError(422, std::move(response.body));
}

}  // namespace prefectd
