// The query language of LogFilter.text (filters.md §3): plain terms are
// alternatives, `-term`/`!term` exclude, `+term` is required, "quoted
// phrases" (with \" escapes) are single terms.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

struct TextSearchQuery {
  std::vector<std::string> include;   // any may match
  std::vector<std::string> exclude;   // none may match
  std::vector<std::string> required;  // all must match
};

TextSearchQuery parse_text_search_query(std::string_view query);

}  // namespace prefectd
