// Requests and responses as route handlers see them, independent of Pistache.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prefectd {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::optional<std::string> query_parameter(const std::string &name) const;
  std::optional<std::string> header(const std::string &lowercase_name) const;
};

struct HttpResponse {
  HttpResponse() = default;
  HttpResponse(int status_code, std::string json_body) : status(status_code), body(std::move(json_body)) {}

  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// Decodes %XX escapes in a request path, as Starlette does before routing;
// a malformed escape is kept as it is.
std::string percent_decode_path(std::string_view path);

// Thrown by handlers for an answer other than success; the body is already
// in Prefect's shape.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string body) : std::runtime_error(body), status_(status), body_(std::move(body)) {}
  int status() const { return status_; }
  const std::string &body() const { return body_; }

 private:
  int status_;
  std::string body_;
};

}  // namespace prefectd
