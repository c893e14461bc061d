// A JSON schema from the OpenAPI document, compiled once into what the
// validator needs: kinds instead of keyword lookups, regexes built, `$ref`s
// followed to shared nodes. Values (defaults, enum members, bounds) point
// into the document, which lives as long as the process.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace prefectd {

struct Schema {
  enum class Kind {
    Any,      // {} or a schema without a type: anything goes
    Null,     // {"type": "null"}
    String,   // with an optional format
    Integer,  // Python int
    Number,   // Python float
    Boolean,
    Array,   // list (set when unique_items)
    Model,   // an object with properties: a pydantic model
    Dict,    // an object without properties: dict[str, values]
    Union,   // anyOf
    Choice,  // enum (a Python Enum component) or const/inline enum (a Literal)
  };
  enum class Format { None, Uuid, DateTime, Duration };

  struct Bound {
    double value = 0;
    std::string text;  // as pydantic prints it in msg and ctx: 0, 0.5
  };
  struct Property {
    std::string name;
    const rapidjson::Value *key = nullptr;  // the name as the document's JSON string, for lookups
    const Schema *schema = nullptr;
    bool required = false;
    const rapidjson::Value *default_value = nullptr;  // the schema's `default`, if any
  };

  Kind kind = Kind::Any;
  std::string label;  // pydantic's name of the type, tagging union errors: "str", "list[str]", "FlowCreate"

  // String
  Format format = Format::None;
  std::optional<size_t> min_length, max_length;
  std::optional<std::regex> pattern;
  std::string pattern_text;

  // Integer, Number
  std::optional<Bound> minimum, exclusive_minimum, maximum, exclusive_maximum;

  // Array
  const Schema *items = nullptr;  // nullptr: any items
  std::optional<size_t> min_items, max_items;
  bool unique_items = false;

  // Model
  std::vector<Property> properties;
  bool forbid_extra = false;

  // Dict
  const Schema *values = nullptr;  // nullptr: any values

  // Union
  std::vector<const Schema *> choices;  // without the null branch
  bool nullable = false;

  // Choice
  std::vector<const rapidjson::Value *> allowed;
  bool is_enum = false;  // a Python Enum (error "enum") rather than a Literal ("literal_error")
  std::string expected;  // "'A', 'B' or 'C'"
};

}  // namespace prefectd
