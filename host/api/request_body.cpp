#include "request_body.h"

#include "core/python_json.h"
#include "json_writer.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <regex>

namespace prefectd {
namespace {

std::string input_text(const rapidjson::Value *input) {
  return input != nullptr ? to_json(*input) : "null";
}

}  // namespace

RequestBody::RequestBody(const HttpRequest &request) {
  if (request.body.empty()) {
    throw_validation_error({{"missing", {"body"}, "Field required"}});
  }
  document_.Parse(request.body.c_str(), request.body.size());
  if (document_.HasParseError()) {
    ValidationIssue issue{"json_invalid", {"body", std::to_string(document_.GetErrorOffset())}, "JSON decode error"};
    issue.input_json = "{}";
    issue.context_json = "{\"error\":" + json_string(rapidjson::GetParseError_En(document_.GetParseError())) + "}";
    throw_validation_error({issue});
  }
  echo_ = to_json(document_);
}

const rapidjson::Value *RequestBody::member(std::string_view key) const {
  if (!document_.IsObject()) return nullptr;
  auto it = document_.FindMember(
      rapidjson::Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return it == document_.MemberEnd() ? nullptr : &it->value;
}

bool RequestBody::has(std::string_view key) const {
  return member(key) != nullptr;
}

void RequestBody::add(std::string type, std::vector<std::string> location, std::string message,
                      const rapidjson::Value *input, std::string context_json) {
  location.insert(location.begin(), "body");
  issues_.push_back(
      {std::move(type), std::move(location), std::move(message), input_text(input), std::move(context_json)});
}

RequestBody &RequestBody::object_with_only(std::initializer_list<std::string_view> allowed) {
  if (!document_.IsObject()) {
    add("model_attributes_type", {}, "Input should be a valid dictionary or object to extract fields from", &document_);
    return *this;
  }
  for (const auto &entry : document_.GetObject()) {
    std::string_view key(entry.name.GetString(), entry.name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      add("extra_forbidden", {std::string(key)}, "Extra inputs are not permitted", &entry.value);
    }
  }
  return *this;
}

std::optional<std::string> RequestBody::string(std::string_view key, bool required, const char *pattern) {
  const rapidjson::Value *value = member(key);
  if (value == nullptr) {
    if (required && document_.IsObject()) add("missing", {std::string(key)}, "Field required", &document_);
    return std::nullopt;
  }
  if (!value->IsString()) {
    add("string_type", {std::string(key)}, "Input should be a valid string", value);
    return std::nullopt;
  }
  std::string text(value->GetString(), value->GetStringLength());
  if (pattern != nullptr && !std::regex_search(text, std::regex(pattern))) {
    add("string_pattern_mismatch", {std::string(key)}, "String should match pattern '" + std::string(pattern) + "'",
        value, "{\"pattern\":" + json_string(pattern) + "}");
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> RequestBody::string_list(std::string_view key, bool absent_as_empty) {
  const rapidjson::Value *value = member(key);
  if (value == nullptr) return absent_as_empty ? std::optional<std::string>("[]") : std::nullopt;
  if (!value->IsArray()) {
    add("list_type", {std::string(key)}, "Input should be a valid list", value);
    return std::nullopt;
  }
  bool valid = true;
  for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
    if (!(*value)[i].IsString()) {
      add("string_type", {std::string(key), std::to_string(i)}, "Input should be a valid string", &(*value)[i]);
      valid = false;
    }
  }
  if (!valid) return std::nullopt;
  return to_python_json(*value);
}

std::optional<std::string> RequestBody::labels(std::string_view key) {
  const rapidjson::Value *value = member(key);
  if (value == nullptr || value->IsNull()) return std::nullopt;
  if (!value->IsObject()) {
    add("dict_type", {std::string(key)}, "Input should be a valid dictionary", value);
    return std::nullopt;
  }
  bool valid = true;
  for (const auto &entry : value->GetObject()) {
    const auto &label = entry.value;
    if (!(label.IsBool() || label.IsNumber() || label.IsString())) {
      add("string_type", {std::string(key), entry.name.GetString(), "str"}, "Input should be a valid string", &label);
      valid = false;
    }
  }
  if (!valid) return std::nullopt;
  return to_python_json(*value);
}

void RequestBody::finish() const {
  if (!issues_.empty()) throw_validation_error(issues_, echo_);
}

}  // namespace prefectd
