#include "schema_validator.h"

#include "api/json_writer.h"
#include "datetime_input.h"
#include "uuid_input.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace prefectd {
namespace {

using Value = rapidjson::Value;

std::string plural(size_t count) {
  return count == 1 ? "" : "s";
}

size_t code_points(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// pydantic-core's str_as_int: Python int() text with surrounding space, a
// sign, leading zeros, underscores between digits and a zero fraction.
std::optional<int64_t> text_as_int(std::string_view text) {
  text = trimmed(text);
  bool negative = false;
  if (text.starts_with('+') || text.starts_with('-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (size_t dot = text.find('.'); dot != std::string_view::npos) {
    std::string_view fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.find_first_not_of('0') != std::string_view::npos) return std::nullopt;
    text = text.substr(0, dot);
  }
  if (text.empty() || text.front() == '_' || text.back() == '_' || text.find("__") != std::string_view::npos) {
    return std::nullopt;
  }
  uint64_t magnitude = 0;
  for (char c : text) {
    if (c == '_') continue;
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0)) return std::nullopt;
  return negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
}

// Rust's f64 FromStr on trimmed text (what str_as_float uses): decimal and
// exponent forms, inf/infinity/nan, no hex; underscores between digits.
std::optional<double> text_as_float(std::string_view text) {
  text = trimmed(text);
  std::string copy;
  for (char c : text) {
    if (c == 'x' || c == 'X' || is_space(c)) return std::nullopt;
    if (c != '_') copy.push_back(c);
  }
  if (copy.size() != text.size() &&
      (text.front() == '_' || text.back() == '_' || text.find("__") != std::string_view::npos)) {
    return std::nullopt;
  }
  if (copy.empty()) return std::nullopt;
  char *end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::nullopt;
  return value;
}

std::optional<bool> text_as_bool(std::string_view text) {
  auto is = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
    }
    return true;
  };
  if (text == "0" || is("f") || is("n") || is("no") || is("off") || is("false")) return false;
  if (text == "1" || is("t") || is("y") || is("yes") || is("on") || is("true")) return true;
  return std::nullopt;
}

Value string_value(const std::string &text, SchemaValidator::Allocator &allocator) {
  return Value(text.c_str(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

}  // namespace

void SchemaValidator::add_issue(std::string_view type, std::string message, const Value *input,
                                std::string context_json) {
  ValidationIssue issue;
  issue.type = std::string(type);
  issue.location.reserve(location_.size());
  for (const auto &part : location_) {
    if (std::holds_alternative<size_t>(part)) {
      issue.location.emplace_back(std::get<size_t>(part));
    } else {
      issue.location.emplace_back(std::string(std::get<std::string_view>(part)));
    }
  }
  issue.message = std::move(message);
  issue.input_json = input != nullptr ? to_json(*input) : "null";
  issue.context_json = std::move(context_json);
  issues_.push_back(std::move(issue));
}

bool SchemaValidator::validate(const Schema &schema, const Value &input, Value &output) {
  exactness_ = Exactness::Exact;
  return check(schema, input, output);
}

bool SchemaValidator::check(const Schema &schema, const Value &input, Value &output) {
  using Kind = Schema::Kind;
  switch (schema.kind) {
    case Kind::Any:
      output.CopyFrom(input, allocator_);
      return true;
    case Kind::Null:
      if (input.IsNull()) {
        output.SetNull();
        return true;
      }
      add_issue("none_required", "Input should be None", &input);
      return false;
    case Kind::String:
      return check_string(schema, input, output);
    case Kind::Integer:
      return check_integer(schema, input, output);
    case Kind::Number:
      return check_number(schema, input, output);
    case Kind::Boolean:
      return check_boolean(input, output);
    case Kind::Array:
      return check_array(schema, input, output);
    case Kind::Model:
      return check_model(schema, input, output);
    case Kind::Dict:
      return check_dict(schema, input, output);
    case Kind::Union:
      return check_union(schema, input, output);
    case Kind::Choice:
      return check_choice(schema, input, output);
  }
  return false;
}

bool SchemaValidator::check_string(const Schema &schema, const Value &input, Value &output) {
  using Format = Schema::Format;
  if (schema.format == Format::DateTime || schema.format == Format::Duration) {
    TemporalReading reading = schema.format == Format::DateTime ? read_datetime(input) : read_duration(input);
    if (reading.datetime) {
      lower_exactness(Exactness::Lax);
      output = string_value(reading.datetime->to_iso8601(), allocator_);
      return true;
    }
    if (reading.seconds) {
      lower_exactness(input.IsNumber() ? Exactness::Strict : Exactness::Lax);
      output.SetDouble(*reading.seconds);
      return true;
    }
    const bool parsing = reading.error_type.ends_with("parsing");
    std::string context;
    if (parsing) {
      context = "{\"error\":" + json_string(reading.message.substr(reading.message.find(", ") + 2)) + "}";
    }
    add_issue(reading.error_type, reading.message, &input, std::move(context));
    return false;
  }
  if (!input.IsString()) {
    add_issue(schema.format == Format::Uuid ? "uuid_type" : "string_type",
              schema.format == Format::Uuid ? "UUID input should be a string, bytes or UUID object"
                                            : "Input should be a valid string",
              &input);
    return false;
  }
  std::string_view text(input.GetString(), input.GetStringLength());
  if (schema.format == Format::Uuid) {
    auto read = read_uuid_text(text);
    if (auto *error = std::get_if<std::string>(&read)) {
      add_issue("uuid_parsing", "Input should be a valid UUID, " + *error, &input,
                "{\"error\":" + json_string(*error) + "}");
      return false;
    }
    lower_exactness(Exactness::Lax);
    output = string_value(std::get<Uuid>(read).to_string(), allocator_);
    return true;
  }
  if (schema.min_length || schema.max_length) {
    const size_t length = code_points(text);
    if (schema.min_length && length < *schema.min_length) {
      add_issue("string_too_short",
                "String should have at least " + std::to_string(*schema.min_length) + " character" +
                    plural(*schema.min_length),
                &input, "{\"min_length\":" + std::to_string(*schema.min_length) + "}");
      return false;
    }
    if (schema.max_length && length > *schema.max_length) {
      add_issue("string_too_long",
                "String should have at most " + std::to_string(*schema.max_length) + " character" +
                    plural(*schema.max_length),
                &input, "{\"max_length\":" + std::to_string(*schema.max_length) + "}");
      return false;
    }
  }
  if (schema.pattern && !std::regex_search(text.begin(), text.end(), *schema.pattern)) {
    add_issue("string_pattern_mismatch", "String should match pattern '" + schema.pattern_text + "'", &input,
              "{\"pattern\":" + json_string(schema.pattern_text) + "}");
    return false;
  }
  output.SetString(input.GetString(), input.GetStringLength(), allocator_);
  return true;
}

bool SchemaValidator::check_bounds(const Schema &schema, double value, const Value &input) {
  struct Check {
    const std::optional<Schema::Bound> &bound;
    bool (*holds)(double, double);
    const char *type;
    const char *words;
    const char *key;
  };
  // pydantic's order: le, lt, ge, gt.
  const Check checks[] = {
      {schema.maximum, [](double v, double b) { return v <= b; }, "less_than_equal", "less than or equal to", "le"},
      {schema.exclusive_maximum, [](double v, double b) { return v < b; }, "less_than", "less than", "lt"},
      {schema.minimum, [](double v, double b) { return v >= b; }, "greater_than_equal", "greater than or equal to",
       "ge"},
      {schema.exclusive_minimum, [](double v, double b) { return v > b; }, "greater_than", "greater than", "gt"},
  };
  for (const Check &check : checks) {
    if (check.bound && !check.holds(value, check.bound->value)) {
      add_issue(check.type, std::string("Input should be ") + check.words + " " + check.bound->text, &input,
                std::string("{\"") + check.key + "\":" + check.bound->text + "}");
      return false;
    }
  }
  return true;
}

bool SchemaValidator::check_integer(const Schema &schema, const Value &input, Value &output) {
  int64_t value = 0;
  if (input.IsInt64()) {
    value = input.GetInt64();
  } else if (input.IsBool()) {
    lower_exactness(Exactness::Lax);
    value = input.GetBool() ? 1 : 0;
  } else if (input.IsNumber()) {
    const double number = input.GetDouble();
    if (std::floor(number) != number) {
      add_issue("int_from_float", "Input should be a valid integer, got a number with a fractional part", &input);
      return false;
    }
    if (!(number > -9.2e18 && number < 9.2e18)) {
      add_issue("int_parsing_size", "Unable to parse input string as an integer, exceeded maximum size", &input);
      return false;
    }
    lower_exactness(Exactness::Lax);
    value = static_cast<int64_t>(number);
  } else if (input.IsString()) {
    auto parsed = text_as_int(std::string_view(input.GetString(), input.GetStringLength()));
    if (!parsed) {
      add_issue("int_parsing", "Input should be a valid integer, unable to parse string as an integer", &input);
      return false;
    }
    lower_exactness(Exactness::Lax);
    value = *parsed;
  } else {
    add_issue("int_type", "Input should be a valid integer", &input);
    return false;
  }
  if (!check_bounds(schema, static_cast<double>(value), input)) return false;
  output.SetInt64(value);
  return true;
}

bool SchemaValidator::check_number(const Schema &schema, const Value &input, Value &output) {
  double value = 0;
  if (input.IsDouble()) {
    value = input.GetDouble();
  } else if (input.IsNumber()) {
    lower_exactness(Exactness::Strict);
    value = input.GetDouble();
  } else if (input.IsBool()) {
    lower_exactness(Exactness::Lax);
    value = input.GetBool() ? 1 : 0;
  } else if (input.IsString()) {
    auto parsed = text_as_float(std::string_view(input.GetString(), input.GetStringLength()));
    if (!parsed) {
      add_issue("float_parsing", "Input should be a valid number, unable to parse string as a number", &input);
      return false;
    }
    lower_exactness(Exactness::Lax);
    value = *parsed;
  } else {
    add_issue("float_type", "Input should be a valid number", &input);
    return false;
  }
  if (!check_bounds(schema, value, input)) return false;
  output.SetDouble(value);
  return true;
}

bool SchemaValidator::check_boolean(const Value &input, Value &output) {
  std::optional<bool> value;
  bool parsing_error = false;
  if (input.IsBool()) {
    value = input.GetBool();
  } else if (input.IsString()) {
    value = text_as_bool(std::string_view(input.GetString(), input.GetStringLength()));
    parsing_error = !value;
  } else if (input.IsNumber()) {
    const double number = input.GetDouble();
    if (std::floor(number) == number) {
      if (number == 0 || number == 1) value = number == 1;
      parsing_error = !value;
    }
  }
  if (!value) {
    if (parsing_error) {
      add_issue("bool_parsing", "Input should be a valid boolean, unable to interpret input", &input);
    } else {
      add_issue("bool_type", "Input should be a valid boolean", &input);
    }
    return false;
  }
  if (!input.IsBool()) lower_exactness(Exactness::Lax);
  output.SetBool(*value);
  return true;
}

bool SchemaValidator::check_array(const Schema &schema, const Value &input, Value &output) {
  if (!input.IsArray()) {
    if (schema.unique_items) {
      add_issue("set_type", "Input should be a valid set", &input);
    } else {
      add_issue("list_type", "Input should be a valid list", &input);
    }
    return false;
  }
  output.SetArray();
  output.Reserve(input.Size(), allocator_);
  bool valid = true;
  for (rapidjson::SizeType i = 0; i < input.Size(); ++i) {
    Value item;
    push(static_cast<size_t>(i));
    if (schema.items == nullptr) {
      item.CopyFrom(input[i], allocator_);
    } else if (!check(*schema.items, input[i], item)) {
      valid = false;
    }
    pop();
    if (!valid) continue;
    if (schema.unique_items) {
      bool seen = false;
      for (const auto &kept : output.GetArray()) seen = seen || kept == item;
      if (seen) continue;
    }
    output.PushBack(item, allocator_);
  }
  if (!valid) return false;
  const char *field_type = schema.unique_items ? "Set" : "List";
  const size_t length = output.Size();
  if (schema.min_items && length < *schema.min_items) {
    add_issue("too_short",
              std::string(field_type) + " should have at least " + std::to_string(*schema.min_items) + " item" +
                  plural(*schema.min_items) + " after validation, not " + std::to_string(length),
              &input,
              std::string("{\"field_type\":\"") + field_type + "\",\"min_length\":" +
                  std::to_string(*schema.min_items) + ",\"actual_length\":" + std::to_string(length) + "}");
    return false;
  }
  if (schema.max_items && length > *schema.max_items) {
    add_issue("too_long",
              std::string(field_type) + " should have at most " + std::to_string(*schema.max_items) + " item" +
                  plural(*schema.max_items) + " after validation, not " + std::to_string(length),
              &input,
              std::string("{\"field_type\":\"") + field_type + "\",\"max_length\":" +
                  std::to_string(*schema.max_items) + ",\"actual_length\":" + std::to_string(length) + "}");
    return false;
  }
  return true;
}

bool SchemaValidator::check_model(const Schema &schema, const Value &input, Value &output) {
  if (!input.IsObject()) {
    // FastAPI validates with from_attributes=True, hence this type rather
    // than model_type.
    add_issue("model_attributes_type", "Input should be a valid dictionary or object to extract fields from", &input);
    return false;
  }
  lower_exactness(Exactness::Strict);
  output.SetObject();
  bool valid = true;
  for (const Schema::Property &property : schema.properties) {
    auto found = input.FindMember(*property.key);
    push(property.name);
    if (found != input.MemberEnd()) {
      Value value;
      if (check(*property.schema, found->value, value)) {
        output.AddMember(Value(rapidjson::StringRef(property.key->GetString(), property.key->GetStringLength())), value,
                         allocator_);
      } else {
        valid = false;
      }
    } else if (property.required) {
      add_issue("missing", "Field required", &input);
      valid = false;
    } else if (fill_defaults_ && property.default_value != nullptr) {
      output.AddMember(Value(rapidjson::StringRef(property.key->GetString(), property.key->GetStringLength())),
                       Value(*property.default_value, allocator_), allocator_);
    }
    pop();
  }
  if (schema.forbid_extra) {
    for (const auto &member : input.GetObject()) {
      bool known = false;
      for (const Schema::Property &property : schema.properties) known = known || *property.key == member.name;
      if (known) continue;
      push(std::string_view(member.name.GetString(), member.name.GetStringLength()));
      add_issue("extra_forbidden", "Extra inputs are not permitted", &member.value);
      pop();
      valid = false;
    }
  }
  return valid;
}

bool SchemaValidator::check_dict(const Schema &schema, const Value &input, Value &output) {
  if (!input.IsObject()) {
    add_issue("dict_type", "Input should be a valid dictionary", &input);
    return false;
  }
  output.SetObject();
  bool valid = true;
  for (const auto &member : input.GetObject()) {
    Value value;
    push(std::string_view(member.name.GetString(), member.name.GetStringLength()));
    if (schema.values == nullptr) {
      value.CopyFrom(member.value, allocator_);
    } else if (!check(*schema.values, member.value, value)) {
      valid = false;
    }
    pop();
    if (valid) output.AddMember(Value(member.name, allocator_), value, allocator_);
  }
  return valid;
}

bool SchemaValidator::check_union(const Schema &schema, const Value &input, Value &output) {
  if (input.IsNull() && schema.nullable) {
    output.SetNull();
    return true;
  }
  // Optional[X]: X's own errors, without a union tag.
  if (schema.choices.size() == 1) return check(*schema.choices[0], input, output);

  // pydantic's smart mode: the first exact match wins, else the best of
  // the others (strict before lax, then the earliest); errors of every
  // member, each under its tag, when none matches.
  const Exactness outer = exactness_;
  std::vector<ValidationIssue> outer_issues;
  outer_issues.swap(issues_);
  std::optional<Exactness> best;
  Value best_output;
  for (const Schema *choice : schema.choices) {
    exactness_ = Exactness::Exact;
    Value candidate;
    const size_t issues_before = issues_.size();
    push(choice->label);
    const bool matched = check(*choice, input, candidate);
    pop();
    if (!matched) continue;
    issues_.resize(issues_before);
    if (!best || exactness_ > *best) {
      best = exactness_;
      best_output = std::move(candidate);
      if (*best == Exactness::Exact) break;
    }
  }
  if (best) {
    issues_.swap(outer_issues);
    output = std::move(best_output);
    exactness_ = std::min(outer, *best);
    return true;
  }
  outer_issues.insert(outer_issues.end(), std::make_move_iterator(issues_.begin()),
                      std::make_move_iterator(issues_.end()));
  issues_.swap(outer_issues);
  exactness_ = outer;
  return false;
}

bool SchemaValidator::check_choice(const Schema &schema, const Value &input, Value &output) {
  for (const Value *allowed : schema.allowed) {
    if (*allowed == input) {
      output.CopyFrom(input, allocator_);
      return true;
    }
  }
  add_issue(schema.is_enum ? "enum" : "literal_error", "Input should be " + schema.expected, &input,
            "{\"expected\":" + json_string(schema.expected) + "}");
  return false;
}

}  // namespace prefectd
