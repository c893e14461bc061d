// Reading a JSON request body the way Prefect's FastAPI/pydantic models do,
// collecting every problem into one 422 in pydantic's shape.
#pragma once

#include "error_responses.h"
#include "http_types.h"

#include <rapidjson/document.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class RequestBody {
 public:
  // Parses the body; a missing or malformed body is a 422 at once.
  explicit RequestBody(const HttpRequest &request);

  // The body must be an object whose keys are all in `allowed` (Prefect's
  // action schemas forbid extra keys).
  RequestBody &object_with_only(std::initializer_list<std::string_view> allowed);

  // A string member; `pattern` (an ECMAScript regex) is checked when given.
  std::optional<std::string> string(std::string_view key, bool required, const char *pattern = nullptr);
  // A list of strings, returned as Python-json text ("[]" when absent and
  // `absent_as_empty`).
  std::optional<std::string> string_list(std::string_view key, bool absent_as_empty);
  // Prefect's KeyValueLabels: an object of bool, number or string values, as
  // Python-json text; null and absent give nullopt.
  std::optional<std::string> labels(std::string_view key);
  bool has(std::string_view key) const;

  // Throws the 422 when any problem was found.
  void finish() const;

 private:
  const rapidjson::Value *member(std::string_view key) const;
  void add(std::string type, std::vector<std::string> location, std::string message, const rapidjson::Value *input,
           std::string context_json = {});

  rapidjson::Document document_;
  std::string echo_;  // the parsed body, re-serialised, for "request_body"
  std::vector<ValidationIssue> issues_;
};

}  // namespace prefectd
