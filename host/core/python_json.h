// JSON text as Python's json.dumps writes it with default arguments:
// ", " and ": " separators and non-ASCII escaped as \uXXXX. Prefect stores
// JSON columns in this form (database.md §3), and filters compare against
// it literally (an empty list must be exactly "[]").
#pragma once

#include <rapidjson/document.h>

#include <string>

namespace prefectd {

std::string to_python_json(const rapidjson::Value &value);

}  // namespace prefectd
