#include "schema_compiler.h"

#include "python_repr.h"

#include <cmath>
#include <string_view>

namespace prefectd {
namespace {

const rapidjson::Value *member(const rapidjson::Value &object, const char *key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string string_member(const rapidjson::Value &object, const char *key) {
  const rapidjson::Value *value = member(object, key);
  return value != nullptr && value->IsString() ? std::string(value->GetString(), value->GetStringLength())
                                               : std::string();
}

std::optional<size_t> size_member(const rapidjson::Value &object, const char *key) {
  const rapidjson::Value *value = member(object, key);
  if (value == nullptr || !value->IsNumber()) return std::nullopt;
  return static_cast<size_t>(value->GetDouble());
}

// pydantic prints a bound as the Python value it was declared with: an int
// field's `ge=0` is 0 even where the document writes 0.0.
std::optional<Schema::Bound> bound_member(const rapidjson::Value &object, const char *key, bool integer_field) {
  const rapidjson::Value *value = member(object, key);
  if (value == nullptr || !value->IsNumber()) return std::nullopt;
  Schema::Bound bound{value->GetDouble(), {}};
  const bool integral = std::floor(bound.value) == bound.value && std::fabs(bound.value) < 1e15;
  if (value->IsInt64() || value->IsUint64() || (integer_field && integral)) {
    bound.text = std::to_string(static_cast<long long>(bound.value));
  } else {
    bound.text = python_float_repr(bound.value);
  }
  return bound;
}

// "'A', 'B' or 'C'", as pydantic lists expected values.
std::string expected_list(const std::vector<const rapidjson::Value *> &allowed) {
  std::string text;
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) text += i + 1 == allowed.size() ? " or " : ", ";
    text += python_repr(*allowed[i]);
  }
  return text;
}

bool is_null_schema(const rapidjson::Value &node) {
  const rapidjson::Value *type = member(node, "type");
  return type != nullptr && type->IsString() && std::string_view(type->GetString()) == "null";
}

}  // namespace

const Schema &SchemaCompiler::compile(const rapidjson::Value &node) {
  std::lock_guard lock(mutex_);
  return compile_locked(node);
}

Schema &SchemaCompiler::compile_locked(const rapidjson::Value &node) {
  const bool is_reference = member(node, "$ref") != nullptr;
  const rapidjson::Value &target = is_reference ? document_.resolve(node) : node;
  if (auto found = compiled_.find(&target); found != compiled_.end()) return *found->second;
  Schema &schema = *storage_.emplace_back(std::make_unique<Schema>());
  // Registered before its children, so a component that contains itself
  // refers to the node being built.
  compiled_.emplace(&target, &schema);
  fill(schema, target, is_reference);
  return schema;
}

void SchemaCompiler::fill(Schema &schema, const rapidjson::Value &node, bool is_component) {
  using Kind = Schema::Kind;
  const std::string title = string_member(node, "title");

  if (const rapidjson::Value *any_of = member(node, "anyOf"); any_of != nullptr && any_of->IsArray()) {
    schema.kind = Kind::Union;
    for (const auto &branch : any_of->GetArray()) {
      if (is_null_schema(document_.resolve(branch))) {
        schema.nullable = true;
      } else {
        schema.choices.push_back(&compile_locked(branch));
      }
    }
    if (schema.choices.empty()) {
      schema.kind = Kind::Null;
      schema.label = "none";
    } else if (schema.choices.size() == 1) {
      schema.label = schema.nullable ? "nullable[" + schema.choices[0]->label + "]" : schema.choices[0]->label;
    } else {
      schema.label = "union[";
      for (size_t i = 0; i < schema.choices.size(); ++i) schema.label += (i > 0 ? "," : "") + schema.choices[i]->label;
      schema.label += "]";
    }
    return;
  }

  const rapidjson::Value *enumeration = member(node, "enum");
  const rapidjson::Value *constant = member(node, "const");
  if ((enumeration != nullptr && enumeration->IsArray()) || constant != nullptr) {
    schema.kind = Kind::Choice;
    if (constant != nullptr) {
      schema.allowed.push_back(constant);
    } else {
      for (const auto &value : enumeration->GetArray()) schema.allowed.push_back(&value);
    }
    schema.is_enum = is_component && constant == nullptr;
    schema.expected = expected_list(schema.allowed);
    if (schema.is_enum) {
      schema.label = title;
    } else {
      schema.label = "literal[";
      for (size_t i = 0; i < schema.allowed.size(); ++i) {
        schema.label += (i > 0 ? "," : "") + python_repr(*schema.allowed[i]);
      }
      schema.label += "]";
    }
    return;
  }

  std::string type = string_member(node, "type");
  if (type.empty() && member(node, "properties") != nullptr) type = "object";
  if (type == "string") {
    schema.kind = Kind::String;
    const std::string format = string_member(node, "format");
    schema.label = "str";
    if (format == "uuid") {
      schema.format = Schema::Format::Uuid;
      schema.label = "uuid";
    } else if (format == "date-time") {
      schema.format = Schema::Format::DateTime;
      schema.label = "datetime";
    } else if (format == "duration") {
      schema.format = Schema::Format::Duration;
      schema.label = "timedelta";
    }
    schema.min_length = size_member(node, "minLength");
    schema.max_length = size_member(node, "maxLength");
    schema.pattern_text = string_member(node, "pattern");
    if (!schema.pattern_text.empty()) schema.pattern.emplace(schema.pattern_text, std::regex::ECMAScript);
  } else if (type == "integer" || type == "number") {
    const bool integer = type == "integer";
    schema.kind = integer ? Kind::Integer : Kind::Number;
    schema.label = integer ? "int" : "float";
    schema.minimum = bound_member(node, "minimum", integer);
    schema.exclusive_minimum = bound_member(node, "exclusiveMinimum", integer);
    schema.maximum = bound_member(node, "maximum", integer);
    schema.exclusive_maximum = bound_member(node, "exclusiveMaximum", integer);
  } else if (type == "boolean") {
    schema.kind = Kind::Boolean;
    schema.label = "bool";
  } else if (type == "null") {
    schema.kind = Kind::Null;
    schema.label = "none";
  } else if (type == "array") {
    schema.kind = Kind::Array;
    if (const rapidjson::Value *items = member(node, "items"); items != nullptr && items->IsObject()) {
      schema.items = &compile_locked(*items);
    }
    schema.min_items = size_member(node, "minItems");
    schema.max_items = size_member(node, "maxItems");
    const rapidjson::Value *unique = member(node, "uniqueItems");
    schema.unique_items = unique != nullptr && unique->IsBool() && unique->GetBool();
    schema.label =
        std::string(schema.unique_items ? "set[" : "list[") + (schema.items ? schema.items->label : "any") + "]";
  } else if (type == "object") {
    const rapidjson::Value *properties = member(node, "properties");
    const rapidjson::Value *additional = member(node, "additionalProperties");
    if (properties != nullptr && properties->IsObject()) {
      schema.kind = Kind::Model;
      schema.label = title.empty() ? "Model" : title;
      const rapidjson::Value *required = member(node, "required");
      for (const auto &property : properties->GetObject()) {
        Schema::Property compiled;
        compiled.name.assign(property.name.GetString(), property.name.GetStringLength());
        compiled.key = &property.name;
        compiled.schema = &compile_locked(property.value);
        compiled.default_value = member(property.value, "default");
        if (required != nullptr && required->IsArray()) {
          for (const auto &name : required->GetArray()) {
            if (name.IsString() && name == property.name) compiled.required = true;
          }
        }
        schema.properties.push_back(std::move(compiled));
      }
      schema.forbid_extra = additional != nullptr && additional->IsFalse();
    } else {
      schema.kind = Kind::Dict;
      if (additional != nullptr && additional->IsObject()) schema.values = &compile_locked(*additional);
      schema.label = "dict[str," + (schema.values ? schema.values->label : std::string("any")) + "]";
    }
  } else {
    schema.kind = Kind::Any;
    schema.label = "any";
  }
}

}  // namespace prefectd
