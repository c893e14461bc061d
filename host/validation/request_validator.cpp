#include "request_validator.h"

#include "api/error_responses.h"
#include "api/json_writer.h"
#include "json_decode_error.h"
#include "schema_validator.h"

#include <string_view>

namespace prefectd {
namespace {

const rapidjson::Value *member(const rapidjson::Value &object, const char *key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

bool is_true(const rapidjson::Value *value) {
  return value != nullptr && value->IsBool() && value->GetBool();
}

bool is_list(const Schema &schema) {
  if (schema.kind == Schema::Kind::Array) return true;
  return schema.kind == Schema::Kind::Union && !schema.choices.empty() &&
         schema.choices.front()->kind == Schema::Kind::Array;
}

rapidjson::Value text_value(std::string_view text, rapidjson::MemoryPoolAllocator<> &allocator) {
  return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

}  // namespace

RequestValidator::RequestValidator(SchemaCompiler &compiler, const rapidjson::Value &operation, BodyDefaults defaults)
    : fill_defaults_(defaults == BodyDefaults::Fill) {
  if (const rapidjson::Value *request_body = member(operation, "requestBody")) {
    const rapidjson::Value *content = member(*request_body, "content");
    const rapidjson::Value *json = content != nullptr ? member(*content, "application/json") : nullptr;
    const rapidjson::Value *schema = json != nullptr ? member(*json, "schema") : nullptr;
    if (schema != nullptr) {
      body_schema_ = &compiler.compile(*schema);
      body_required_ = is_true(member(*request_body, "required"));
      body_default_ = member(*schema, "default");
      // FastAPI names the model it builds for several body parameters (or
      // one declared with embed=True) Body_<operation id>.
      const rapidjson::Value *reference = member(*schema, "$ref");
      const bool embedded = reference != nullptr && reference->IsString() &&
                            std::string_view(reference->GetString()).starts_with("#/components/schemas/Body_");
      body_shape_ = embedded && body_schema_->kind == Schema::Kind::Model ? BodyShape::Embedded : BodyShape::Single;
    }
  }
  if (const rapidjson::Value *parameters = member(operation, "parameters"); parameters && parameters->IsArray()) {
    for (const auto &parameter : parameters->GetArray()) {
      const rapidjson::Value &resolved = compiler.document().resolve(parameter);
      const rapidjson::Value *where = member(resolved, "in");
      const rapidjson::Value *schema = member(resolved, "schema");
      if (where == nullptr || !where->IsString() || std::string_view(where->GetString()) != "query") continue;
      if (schema == nullptr) continue;
      QueryParameter compiled;
      compiled.name = member(resolved, "name")->GetString();
      compiled.schema = &compiler.compile(*schema);
      compiled.required = is_true(member(resolved, "required"));
      compiled.repeated = is_list(*compiled.schema);
      compiled.default_value = member(*schema, "default");
      query_.push_back(std::move(compiled));
    }
  }
}

void RequestValidator::validate(const HttpRequest &request, ValidatedRequest &validated) const {
  auto &allocator = validated.storage.GetAllocator();
  SchemaValidator validator(allocator, fill_defaults_);

  // FastAPI reports query problems before body problems.
  validated.query.SetObject();
  for (const QueryParameter &parameter : query_) {
    rapidjson::Value input;
    if (parameter.repeated) {
      input.SetArray();
      for (const auto &[name, value] : request.query) {
        if (name == parameter.name) input.PushBack(text_value(value, allocator), allocator);
      }
      if (input.Empty()) input.SetNull();
    } else {
      // Starlette's QueryParams.get: the last occurrence.
      for (const auto &[name, value] : request.query) {
        if (name == parameter.name) input = text_value(value, allocator);
      }
    }
    validator.push("query");
    validator.push(parameter.name);
    rapidjson::Value output;
    if (input.IsNull()) {
      if (parameter.required) {
        validator.add_issue("missing", "Field required", nullptr);
      } else if (parameter.default_value != nullptr) {
        output.CopyFrom(*parameter.default_value, allocator);
        validated.query.AddMember(text_value(parameter.name, allocator), output, allocator);
      }
    } else if (validator.validate(*parameter.schema, input, output)) {
      validated.query.AddMember(text_value(parameter.name, allocator), output, allocator);
    }
    validator.pop();
    validator.pop();
  }

  rapidjson::Document input(&allocator);
  bool sent = false;
  if (body_shape_ != BodyShape::None && !request.body.empty()) {
    input.Parse(request.body.c_str(), request.body.size());
    if (input.HasParseError()) {
      throw_validation_error({json_decode_issue(input.GetParseError(), input.GetErrorOffset(), request.body)},
                             json_string(request.body));
    }
    sent = !input.IsNull();
  }

  validated.body.SetNull();
  if (body_shape_ == BodyShape::Single) {
    validator.push("body");
    if (!sent) {
      if (body_required_) {
        validator.add_issue("missing", "Field required", nullptr);
      } else if (body_default_ != nullptr) {
        validated.body.CopyFrom(*body_default_, allocator);
      }
    } else {
      validator.validate(*body_schema_, input, validated.body);
    }
    validator.pop();
  } else if (body_shape_ == BodyShape::Embedded) {
    // FastAPI's request_body_to_args: each parameter is looked up in the
    // body; null counts as absent; a body that is not an object leaves every
    // parameter missing; unknown keys are ignored.
    validated.body.SetObject();
    const bool not_an_object = sent && !input.IsObject();
    for (const Schema::Property &property : body_schema_->properties) {
      validator.push("body");
      validator.push(property.name);
      const rapidjson::Value *value = nullptr;
      if (sent && input.IsObject()) {
        auto found = input.FindMember(*property.key);
        if (found != input.MemberEnd() && !found->value.IsNull()) value = &found->value;
      }
      rapidjson::Value output;
      if (not_an_object || (value == nullptr && property.required)) {
        validator.add_issue("missing", "Field required", nullptr);
      } else if (value == nullptr) {
        if (fill_defaults_ && property.default_value != nullptr) {
          output.CopyFrom(*property.default_value, allocator);
          validated.body.AddMember(rapidjson::StringRef(property.key->GetString(), property.key->GetStringLength()),
                                   output, allocator);
        }
      } else if (validator.validate(*property.schema, *value, output)) {
        validated.body.AddMember(rapidjson::StringRef(property.key->GetString(), property.key->GetStringLength()),
                                 output, allocator);
      }
      validator.pop();
      validator.pop();
    }
  }

  if (!validator.issues().empty()) {
    throw_validation_error(validator.issues(), sent ? to_json(input) : "null");
  }
}

}  // namespace prefectd
