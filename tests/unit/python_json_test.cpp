#include "core/python_json.h"

#include <gtest/gtest.h>

namespace prefectd {
namespace {

std::string dumps(const char *json) {
  rapidjson::Document document;
  document.Parse(json);
  return to_python_json(document);
}

TEST(PythonJson, SeparatorsAreJsonDumpsDefaults) {
  EXPECT_EQ(dumps(R"({"a":1,"b":[1,2,{"c":null}]})"), R"({"a": 1, "b": [1, 2, {"c": null}]})");
}

TEST(PythonJson, EmptyListIsExactlyBrackets) {
  EXPECT_EQ(dumps("[]"), "[]");
}

TEST(PythonJson, SeparatorsInsideStringsAreLeftAlone) {
  EXPECT_EQ(dumps(R"(["a,b", "k:v", "quote\" ,:"])"), R"(["a,b", "k:v", "quote\" ,:"])");
}

TEST(PythonJson, NonAsciiIsEscapedLikeEnsureAscii) {
  EXPECT_EQ(dumps(R"(["café", "😀"])"), R"(["caf\u00e9", "\ud83d\ude00"])");
}

}  // namespace
}  // namespace prefectd
