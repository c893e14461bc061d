#include "run_input_validation.h"

#include "python_repr.h"

#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>

#include <algorithm>
#include <string_view>
#include <vector>

namespace prefectd {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

bool contains_string(const rapidjson::Value *list, std::string_view text) {
  if (!list || !list->IsArray()) return false;
  return std::any_of(list->Begin(), list->End(), [&](const rapidjson::Value &item) {
    return item.IsString() && std::string_view(item.GetString(), item.GetStringLength()) == text;
  });
}

const rapidjson::Value *member(const rapidjson::Value &object, const char *name) {
  if (!object.IsObject()) return nullptr;
  auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

void process_properties(rapidjson::Value &properties, const rapidjson::Value *required, Allocator &allocator);

// _fix_null_typing: pydantic v1 wrote optional fields without "null" in
// their type, so an optional property without a default also takes null.
void fix_null_typing(const std::string_view key, rapidjson::Value &schema, const rapidjson::Value *required,
                     Allocator &allocator) {
  if (!schema.IsObject() || contains_string(required, key)) return;
  auto type = schema.FindMember("type");
  if (type == schema.MemberEnd() || schema.HasMember("default")) return;
  if (type->value.IsString() && std::string_view(type->value.GetString()) == "null") return;
  rapidjson::Value any_of(rapidjson::kArrayType);
  rapidjson::Value original(rapidjson::kObjectType);
  original.AddMember("type", rapidjson::Value(type->value, allocator), allocator);
  rapidjson::Value null_type(rapidjson::kObjectType);
  null_type.AddMember("type", "null", allocator);
  any_of.PushBack(original, allocator).PushBack(null_type, allocator);
  schema.RemoveMember("type");
  schema.RemoveMember("anyOf");
  schema.AddMember("anyOf", any_of, allocator);
}

void process_properties(rapidjson::Value &properties, const rapidjson::Value *required, Allocator &allocator) {
  if (!properties.IsObject()) return;
  for (auto &property : properties.GetObject()) {
    fix_null_typing(std::string_view(property.name.GetString(), property.name.GetStringLength()), property.value,
                    required, allocator);
    if (!property.value.IsObject()) continue;
    auto nested = property.value.FindMember("properties");
    if (nested != property.value.MemberEnd())
      process_properties(nested->value, member(property.value, "required"), allocator);
  }
}

void preprocess(rapidjson::Value &schema, Allocator &allocator) {
  if (!schema.IsObject()) return;
  if (auto properties = schema.FindMember("properties"); properties != schema.MemberEnd())
    process_properties(properties->value, member(schema, "required"), allocator);
  if (auto definitions = schema.FindMember("definitions");
      definitions != schema.MemberEnd() && definitions->value.IsObject()) {
    for (auto &definition : definitions->value.GetObject()) {
      if (!definition.value.IsObject()) continue;
      if (auto properties = definition.value.FindMember("properties"); properties != definition.value.MemberEnd())
        process_properties(properties->value, member(definition.value, "required"), allocator);
    }
  }
}

void rewrite_references(rapidjson::Value &value, Allocator &allocator) {
  constexpr std::string_view kFrom = "#/$defs/";
  if (value.IsObject()) {
    for (auto &entry : value.GetObject()) {
      const std::string_view key(entry.name.GetString(), entry.name.GetStringLength());
      if (key == "$ref" && entry.value.IsString()) {
        std::string reference(entry.value.GetString(), entry.value.GetStringLength());
        if (reference.starts_with(kFrom)) {
          reference.replace(0, kFrom.size(), "#/definitions/");
          entry.value.SetString(reference.c_str(), static_cast<rapidjson::SizeType>(reference.size()), allocator);
        }
      } else {
        rewrite_references(entry.value, allocator);
      }
    }
  } else if (value.IsArray()) {
    for (auto &item : value.GetArray()) rewrite_references(item, allocator);
  }
}

// RapidJSON (draft 4) resolves references only into "definitions"; pydantic
// v2 writes "$defs". Done after Prefect's preprocessing, which leaves $defs
// alone.
void move_defs_to_definitions(rapidjson::Value &schema, Allocator &allocator) {
  auto defs = schema.FindMember("$defs");
  if (defs == schema.MemberEnd() || !defs->value.IsObject()) return;
  rapidjson::Value moved(rapidjson::kObjectType);
  moved.Swap(defs->value);
  schema.RemoveMember("$defs");
  auto definitions = schema.FindMember("definitions");
  if (definitions == schema.MemberEnd() || !definitions->value.IsObject()) {
    schema.RemoveMember("definitions");
    schema.AddMember("definitions", moved, allocator);
  } else {
    for (auto &entry : moved.GetObject())
      if (!definitions->value.HasMember(entry.name)) definitions->value.AddMember(entry.name, entry.value, allocator);
  }
  rewrite_references(schema, allocator);
}

// Python's repr of a JSON value, containers included.
std::string repr(const rapidjson::Value &value) {
  if (value.IsArray()) {
    std::string out = "[";
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) out += (i ? ", " : "") + repr(value[i]);
    return out + "]";
  }
  if (value.IsObject()) {
    std::string out = "{";
    bool first = true;
    for (const auto &entry : value.GetObject()) {
      out += (first ? "" : ", ") + python_repr(entry.name) + ": " + repr(entry.value);
      first = false;
    }
    return out + "}";
  }
  return python_repr(value);
}

// jsonschema's ValidationError.json_path: $, then .key or [index] per step.
std::string json_path(const rapidjson::Pointer &pointer, const rapidjson::Value &document) {
  std::string path = "$";
  const rapidjson::Value *at = &document;
  for (size_t i = 0; i < pointer.GetTokenCount(); ++i) {
    const auto &token = pointer.GetTokens()[i];
    const std::string name(token.name, token.length);
    if (at && at->IsArray()) {
      path += "[" + name + "]";
      at = token.index < at->Size() ? &(*at)[static_cast<rapidjson::SizeType>(token.index)] : nullptr;
    } else {
      path += "." + name;
      at = at ? member(*at, name.c_str()) : nullptr;
    }
  }
  return path;
}

std::string type_names(const rapidjson::Value &type) {
  if (!type.IsArray()) return repr(type);
  std::string names;
  for (rapidjson::SizeType i = 0; i < type.Size(); ++i) names += (i ? ", " : "") + repr(type[i]);
  return names;
}

std::string additional_properties_reason(const rapidjson::Value &subschema, const rapidjson::Value &instance) {
  const rapidjson::Value *properties = member(subschema, "properties");
  std::vector<std::string> extras;
  for (const auto &entry : instance.GetObject())
    if (!properties || !properties->HasMember(entry.name)) extras.emplace_back(entry.name.GetString());
  std::sort(extras.begin(), extras.end());
  std::string listed;
  for (size_t i = 0; i < extras.size(); ++i)
    listed += (i ? ", " : "") + python_repr(rapidjson::Value(rapidjson::StringRef(extras[i].c_str())));
  return "Additional properties are not allowed (" + listed + (extras.size() == 1 ? " was" : " were") + " unexpected)";
}

std::optional<std::string> missing_required_reason(const rapidjson::Value &subschema,
                                                   const rapidjson::Value &instance) {
  const rapidjson::Value *required = member(subschema, "required");
  if (!required || !required->IsArray() || !instance.IsObject()) return std::nullopt;
  for (const auto &name : required->GetArray())
    if (name.IsString() && !instance.HasMember(name.GetString())) return repr(name) + " is a required property";
  return std::nullopt;
}

// "is too short" and its kin, with jsonschema's wording for the bounds 0 and 1.
std::string size_reason(std::string_view keyword, const rapidjson::Value &bound, const rapidjson::Value &instance) {
  const bool minimum = keyword.starts_with("min");
  const bool objects = keyword.ends_with("Properties");
  const double limit = bound.IsNumber() ? bound.GetDouble() : -1;
  if (minimum && limit == 1) return repr(instance) + " should be non-empty";
  if (!minimum && limit == 0) return repr(instance) + " is expected to be empty";
  if (objects) return repr(instance) + (minimum ? " does not have enough properties" : " has too many properties");
  return repr(instance) + (minimum ? " is too short" : " is too long");
}

// jsonschema's message for the keyword that failed; the path is where it
// reports the failure (a missing property is reported at its object).
std::string failure_reason(std::string_view keyword, const rapidjson::Value &subschema,
                           const rapidjson::Value &instance) {
  const rapidjson::Value *value = member(subschema, std::string(keyword).c_str());
  if (keyword == "type" && value) return repr(instance) + " is not of type " + type_names(*value);
  if (keyword == "required")
    if (auto reason = missing_required_reason(subschema, instance)) return *reason;
  if (keyword == "enum" && value) return repr(instance) + " is not one of " + repr(*value);
  if (keyword == "additionalProperties" && instance.IsObject())
    return additional_properties_reason(subschema, instance);
  if (keyword == "minimum" && value) return repr(instance) + " is less than the minimum of " + repr(*value);
  if (keyword == "maximum" && value) return repr(instance) + " is greater than the maximum of " + repr(*value);
  if ((keyword == "minLength" || keyword == "maxLength" || keyword == "minItems" || keyword == "maxItems" ||
       keyword == "minProperties" || keyword == "maxProperties") &&
      value)
    return size_reason(keyword, *value, instance);
  if (keyword == "pattern" && value) return repr(instance) + " does not match " + repr(*value);
  if (keyword == "uniqueItems") return repr(instance) + " has non-unique elements";
  if (keyword == "anyOf" || keyword == "oneOf") return repr(instance) + " is not valid under any of the given schemas";
  return repr(instance) + " is not valid under the given schema";
}

// jsonschema reports the most relevant error, the shallowest first, so a
// problem of the input object itself wins over one inside a property
// (RapidJSON stops at the first it meets while reading).
std::optional<std::string> top_level_reason(const rapidjson::Value &schema, const rapidjson::Value &input) {
  for (const auto &keyword : schema.GetObject()) {
    const std::string_view name(keyword.name.GetString(), keyword.name.GetStringLength());
    if (name == "type" && input.IsObject() && keyword.value.IsString() &&
        std::string_view(keyword.value.GetString()) != "object")
      return repr(input) + " is not of type " + type_names(keyword.value);
    if (name == "required")
      if (auto reason = missing_required_reason(schema, input)) return reason;
    if (name == "additionalProperties" && keyword.value.IsFalse() && input.IsObject()) {
      const rapidjson::Value *properties = member(schema, "properties");
      for (const auto &entry : input.GetObject())
        if (!properties || !properties->HasMember(entry.name)) return additional_properties_reason(schema, input);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> run_input_violation(const rapidjson::Value &schema, const rapidjson::Value &input) {
  rapidjson::Document prepared;
  prepared.CopyFrom(schema, prepared.GetAllocator());
  if (!prepared.IsObject()) return std::nullopt;  // true/false schemas are not what a pause stores
  preprocess(prepared, prepared.GetAllocator());
  move_defs_to_definitions(prepared, prepared.GetAllocator());
  rapidjson::SchemaDocument schema_document(prepared);
  rapidjson::SchemaValidator validator(schema_document);
  if (input.Accept(validator)) return std::nullopt;

  if (auto reason = top_level_reason(prepared, input)) return "Validation failed. Failure reason: " + *reason;
  const rapidjson::Pointer where = validator.GetInvalidDocumentPointer();
  const rapidjson::Value *instance = where.Get(input);
  const rapidjson::Value *subschema = validator.GetInvalidSchemaPointer().Get(prepared);
  static const rapidjson::Value kNull;
  const std::string path = json_path(where, input);
  std::string field = path;  // Prefect: json_path.replace("$.", "")
  for (size_t at; (at = field.find("$.")) != std::string::npos;) field.erase(at, 2);
  const rapidjson::Value field_name(rapidjson::StringRef(field.data(), field.size()));
  std::string message =
      path == "$" ? "Validation failed." : "Validation failed for field " + python_repr(field_name) + ".";
  return message + " Failure reason: " +
         failure_reason(validator.GetInvalidSchemaKeyword(), subschema ? *subschema : kNull,
                        instance ? *instance : kNull);
}

}  // namespace prefectd
