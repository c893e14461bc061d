#include "json_decode_error.h"

#include "api/json_writer.h"

#include <cctype>

namespace prefectd {
namespace {

// What Python's json module says where RapidJSON stopped.
const char *python_message(rapidjson::ParseErrorCode code) {
  switch (code) {
    case rapidjson::kParseErrorDocumentRootNotSingular:
      return "Extra data";
    case rapidjson::kParseErrorObjectMissName:
      return "Expecting property name enclosed in double quotes";
    case rapidjson::kParseErrorObjectMissColon:
      return "Expecting ':' delimiter";
    case rapidjson::kParseErrorObjectMissCommaOrCurlyBracket:
    case rapidjson::kParseErrorArrayMissCommaOrSquareBracket:
      return "Expecting ',' delimiter";
    case rapidjson::kParseErrorStringUnicodeEscapeInvalidHex:
      return "Invalid \\uXXXX escape";
    case rapidjson::kParseErrorStringEscapeInvalid:
      return "Invalid \\escape";
    case rapidjson::kParseErrorStringMissQuotationMark:
      return "Unterminated string starting at";
    case rapidjson::kParseErrorStringInvalidEncoding:
      return "Invalid control character at";
    default:
      return "Expecting value";
  }
}

}  // namespace

ValidationIssue json_decode_issue(rapidjson::ParseErrorCode code, size_t byte_offset, std::string_view text) {
  // RapidJSON reports a bad literal ("nope" read as null) where it stopped
  // matching; Python reports where the value began.
  if (code == rapidjson::kParseErrorValueInvalid) {
    while (byte_offset > 0 && byte_offset <= text.size() &&
           std::isalpha(static_cast<unsigned char>(text[byte_offset - 1]))) {
      --byte_offset;
    }
  }
  // Python counts characters, not bytes.
  size_t position = 0;
  for (size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    position += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  }
  ValidationIssue issue{"json_invalid", {"body", position}, "JSON decode error"};
  issue.input_json = "{}";
  issue.context_json = std::string("{\"error\":") + json_string(python_message(code)) + "}";
  return issue;
}

}  // namespace prefectd
