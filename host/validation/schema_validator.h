// Validates a JSON value against a compiled Schema the way pydantic v2 does
// in lax mode for a request FastAPI decoded from JSON: every problem becomes
// a ValidationIssue (type, loc, msg, input, ctx) in pydantic's order and
// wording, and the validated value comes out with lax coercions normalised
// ("5" for an int is 5, a float is a double, UUIDs and datetimes canonical)
// and, when asked, the schema's defaults filled in.
#pragma once

#include "api/error_responses.h"
#include "schema.h"

#include <rapidjson/document.h>

#include <optional>
#include <string_view>
#include <variant>
#include <vector>

namespace prefectd {

class SchemaValidator {
 public:
  using Allocator = rapidjson::MemoryPoolAllocator<>;

  SchemaValidator(Allocator &allocator, bool fill_defaults) : allocator_(allocator), fill_defaults_(fill_defaults) {}

  // Validates `input` at the current location into `output` (which `input`
  // is never aliased with). False when issues were recorded.
  bool validate(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);

  // The location the next validate() reports under, e.g. {"body"}.
  void push(std::string_view name) { location_.emplace_back(name); }
  void push(size_t index) { location_.emplace_back(index); }
  void pop() { location_.pop_back(); }

  // Records an issue at the current location; `context_json` is "" for none.
  void add_issue(std::string_view type, std::string message, const rapidjson::Value *input,
                 std::string context_json = {});

  std::vector<ValidationIssue> &issues() { return issues_; }

 private:
  // How closely the input matched, as pydantic ranks union members.
  enum class Exactness { Lax, Strict, Exact };

  bool check(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);
  bool check_string(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);
  bool check_integer(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);
  bool check_number(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);
  bool check_boolean(const rapidjson::Value &input, rapidjson::Value &output);
  bool check_array(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);
  bool check_model(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);
  bool check_dict(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);
  bool check_union(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);
  bool check_choice(const Schema &schema, const rapidjson::Value &input, rapidjson::Value &output);
  bool check_bounds(const Schema &schema, double value, const rapidjson::Value &input);
  void lower_exactness(Exactness exactness) { exactness_ = std::min(exactness_, exactness); }

  Allocator &allocator_;
  bool fill_defaults_;
  std::vector<std::variant<std::string_view, size_t>> location_;
  std::vector<ValidationIssue> issues_;
  Exactness exactness_ = Exactness::Exact;
};

}  // namespace prefectd
