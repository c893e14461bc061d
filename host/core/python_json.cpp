#include "python_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace prefectd {

std::string to_python_json(const rapidjson::Value &value) {
  // RapidJSON's ASCII target encoding gives json.dumps' \uXXXX escapes
  // (surrogate pairs included); the separators are added afterwards,
  // outside string literals.
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::ASCII<>> writer(buffer);
  value.Accept(writer);
  const std::string_view compact(buffer.GetString(), buffer.GetSize());
  std::string spaced;
  spaced.reserve(compact.size() + compact.size() / 4);
  bool in_string = false;
  bool escaped = false;
  int hex_left = 0;  // digits of a \uXXXX escape still to copy
  for (char c : compact) {
    if (hex_left > 0) {
      // Python writes the escape's hex digits in lowercase.
      spaced.push_back(c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c);
      --hex_left;
      continue;
    }
    spaced.push_back(c);
    if (in_string) {
      if (escaped) {
        escaped = false;
        if (c == 'u') hex_left = 4;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == ',' || c == ':') {
      spaced.push_back(' ');
    }
  }
  return spaced;
}

}  // namespace prefectd
