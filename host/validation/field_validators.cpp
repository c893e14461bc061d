#include "field_validators.h"

#include "api/json_writer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <regex>
#include <set>

namespace prefectd {
namespace {

constexpr size_t kMaxVariableValueBytes = 5000;
constexpr size_t kMaxMetadataCharacters = 500;

void add_value_error(std::vector<ValidationIssue> &issues, const char *field, const std::string &message,
                     const rapidjson::Value &input) {
  issues.push_back({"value_error",
                    {std::string("body"), std::string(field)},
                    "Value error, " + message,
                    to_json(input),
                    "{\"error\":{}}"});
}

// re.match(pattern, value) as Python runs it: `$` also matches before a final newline.
bool python_full_match(const std::regex &pattern, std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return std::regex_match(text, pattern);
}

void check_pattern(const rapidjson::Value &body, const char *field, const std::regex &pattern,
                   const std::string &message, std::vector<ValidationIssue> &issues) {
  if (!body.IsObject()) return;
  auto member = body.FindMember(field);
  if (member == body.MemberEnd() || !member->value.IsString()) return;
  const std::string text(member->value.GetString(), member->value.GetStringLength());
  if (!python_full_match(pattern, text)) add_value_error(issues, field, message, member->value);
}

// orjson's output: compact, UTF-8 unescaped.
size_t compact_json_bytes(const rapidjson::Value &value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetSize();
}

// Byte length of the first `characters` code points of UTF-8 `text`, or
// nullopt when it has no more than that many.
std::optional<size_t> prefix_bytes(std::string_view text, size_t characters) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
    if (seen == characters) return i;
    ++seen;
  }
  return std::nullopt;
}

}  // namespace

void check_variable_name(const rapidjson::Value &body, std::vector<ValidationIssue> &issues) {
  static const std::regex pattern("[a-z0-9_-]*");
  check_pattern(body, "name", pattern,
                "Variable name must only contain lowercase letters, numbers, and dashes or underscores.", issues);
}

void check_variable_value(const rapidjson::Value &body, std::vector<ValidationIssue> &issues) {
  if (!body.IsObject()) return;
  auto member = body.FindMember("value");
  if (member == body.MemberEnd() || member->value.IsNull()) return;
  if (compact_json_bytes(member->value) > kMaxVariableValueBytes) {
    add_value_error(issues, "value", "Variable value must be less than 5000 characters", member->value);
  }
}

void check_base_job_template(const rapidjson::Value &body, std::vector<ValidationIssue> &issues) {
  if (!body.IsObject()) return;
  auto template_member = body.FindMember("base_job_template");
  if (template_member == body.MemberEnd() || !template_member->value.IsObject()) return;
  const rapidjson::Value &job_template = template_member->value;
  if (job_template.ObjectEmpty()) return;
  auto configuration = job_template.FindMember("job_configuration");
  auto variables = job_template.FindMember("variables");
  const auto filled = [&](const rapidjson::Value::ConstMemberIterator &found) {
    return found != job_template.MemberEnd() && found->value.IsObject() && !found->value.ObjectEmpty();
  };
  if (!filled(configuration) || !filled(variables)) {
    add_value_error(issues, "base_job_template",
                    "The `base_job_template` must contain both a `job_configuration` key and a `variables` key.",
                    job_template);
    return;
  }
  // Placeholders are found in each configuration value's JSON text, as
  // Prefect's find_placeholders does.
  static const std::regex placeholder(R"(\{\{\s*([\w\.\-\[\]$]+)\s*\}\})");
  std::set<std::string> used;
  for (const auto &entry : configuration->value.GetObject()) {
    const std::string text = to_json(entry.value);
    for (auto match = std::sregex_iterator(text.begin(), text.end(), placeholder); match != std::sregex_iterator();
         ++match) {
      used.insert((*match)[1].str());
    }
  }
  const rapidjson::Value *properties = nullptr;
  if (auto found = variables->value.FindMember("properties");
      found != variables->value.MemberEnd() && found->value.IsObject()) {
    properties = &found->value;
  }
  std::string undeclared;
  for (const std::string &name : used) {
    if (properties != nullptr && properties->HasMember(name.c_str())) continue;
    undeclared += (undeclared.empty() ? "" : " ,") + name;
  }
  if (!undeclared.empty()) {
    add_value_error(issues, "base_job_template",
                    "The variables specified in the job configuration template must be present as properties in "
                    "the variables schema. Your job configuration uses the following undeclared variable(s): " +
                        undeclared + ".",
                    job_template);
  }
}

void check_artifact_key(const rapidjson::Value &body, std::vector<ValidationIssue> &issues) {
  static const std::regex pattern("[a-z0-9-]*");
  check_pattern(body, "key", pattern, "Artifact key must only contain lowercase letters, numbers, and dashes.", issues);
}

void throw_if_invalid(const std::vector<ValidationIssue> &issues, const HttpRequest &request) {
  if (issues.empty()) return;
  rapidjson::Document sent;
  sent.Parse(request.body.c_str(), request.body.size());
  throw_validation_error(issues, sent.HasParseError() ? "null" : to_json(sent));
}

void truncate_artifact_metadata(rapidjson::Value &metadata, rapidjson::Document::AllocatorType &allocator) {
  if (!metadata.IsObject()) return;
  for (auto &entry : metadata.GetObject()) {
    if (!entry.value.IsString()) continue;
    const std::string_view text(entry.value.GetString(), entry.value.GetStringLength());
    if (auto cut = prefix_bytes(text, kMaxMetadataCharacters)) {
      const std::string shortened = std::string(text.substr(0, *cut)) + "...";
      entry.value.SetString(shortened.c_str(), static_cast<rapidjson::SizeType>(shortened.size()), allocator);
    }
  }
}

}  // namespace prefectd
