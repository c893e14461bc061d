// A paused run's resume input checked against its stored schema, with the
// reasons Prefect's schema_tools.validate gives (jsonschema 4.26's messages
// and best_match choice, json_path as the field).
#include "validation/run_input_validation.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace prefectd {
namespace {

// As pydantic renders a RunInput model with a nested model in $defs.
constexpr const char *kSchema = R"({
  "$defs": {"Pet": {"properties": {"kind": {"title": "Kind", "type": "string"}}, "required": ["kind"],
                    "title": "Pet", "type": "object"}},
  "properties": {
    "name": {"title": "Name", "type": "string", "minLength": 1},
    "age": {"title": "Age", "type": "integer"},
    "color": {"default": "red", "enum": ["red", "green"], "title": "Color", "type": "string"},
    "tags": {"default": [], "items": {"type": "string"}, "title": "Tags", "type": "array"},
    "pet": {"$ref": "#/$defs/Pet", "default": null}
  },
  "required": ["name"], "title": "Answer", "type": "object"})";

std::optional<std::string> violation(const char *input, const char *schema = kSchema) {
  rapidjson::Document schema_document;
  schema_document.Parse(schema);
  rapidjson::Document input_document;
  input_document.Parse(input);
  return run_input_violation(schema_document, input_document);
}

TEST(RunInputValidation, ValidInputPasses) {
  EXPECT_EQ(violation(R"({"name": "Ann", "age": 3, "color": "green", "tags": ["a"], "pet": {"kind": "cat"}})"),
            std::nullopt);
}

TEST(RunInputValidation, AnOptionalPropertyWithoutDefaultAcceptsNull) {
  EXPECT_EQ(violation(R"({"name": "Ann", "age": null})"), std::nullopt);
}

TEST(RunInputValidation, AWrongTypeNamesTheField) {
  EXPECT_EQ(violation(R"({"name": 5})"),
            "Validation failed for field 'name'. Failure reason: 5 is not of type 'string'");
}

TEST(RunInputValidation, AMissingRequiredPropertyIsReportedAtTheTop) {
  EXPECT_EQ(violation("{}"), "Validation failed. Failure reason: 'name' is a required property");
}

TEST(RunInputValidation, TheShallowestProblemWins) {
  EXPECT_EQ(violation(R"({"age": "x"})"), "Validation failed. Failure reason: 'name' is a required property");
}

TEST(RunInputValidation, EnumsListTheirChoices) {
  EXPECT_EQ(violation(R"({"name": "Ann", "color": "blue"})"),
            "Validation failed for field 'color'. Failure reason: 'blue' is not one of ['red', 'green']");
}

TEST(RunInputValidation, ArrayItemsAreAddressedByIndex) {
  EXPECT_EQ(violation(R"({"name": "Ann", "tags": ["a", 3]})"),
            "Validation failed for field 'tags[1]'. Failure reason: 3 is not of type 'string'");
}

TEST(RunInputValidation, ReferencedDefinitionsAreFollowed) {
  EXPECT_EQ(violation(R"({"name": "Ann", "pet": {"kind": 1}})"),
            "Validation failed for field 'pet.kind'. Failure reason: 1 is not of type 'string'");
}

TEST(RunInputValidation, NullableUnionsFailAsAWhole) {
  EXPECT_EQ(violation(R"({"name": "Ann", "age": "x"})"),
            "Validation failed for field 'age'. Failure reason: 'x' is not valid under any of the given schemas");
}

TEST(RunInputValidation, LengthBoundsUseJsonschemasWording) {
  EXPECT_EQ(violation(R"({"name": ""})"), "Validation failed for field 'name'. Failure reason: '' should be non-empty");
}

TEST(RunInputValidation, ExtraPropertiesOfAClosedModelAreNamed) {
  const char *closed =
      R"({"additionalProperties": false, "properties": {"name": {"type": "string"}}, "type": "object"})";
  EXPECT_EQ(
      violation(R"({"name": "Ann", "extra": 1, "more": 2})", closed),
      "Validation failed. Failure reason: Additional properties are not allowed ('extra', 'more' were unexpected)");
}

TEST(RunInputValidation, AnEmptySchemaAcceptsAnything) {
  EXPECT_EQ(violation(R"({"anything": [1, 2]})", "{}"), std::nullopt);
}

}  // namespace
}  // namespace prefectd
