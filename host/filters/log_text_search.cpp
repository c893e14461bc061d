#include "log_text_search.h"

#include <cctype>

namespace prefectd {
namespace {

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// \" and \\ inside a phrase; any other backslash stays.
std::string unescape_phrase(std::string_view phrase) {
  std::string result;
  for (size_t i = 0; i < phrase.size(); ++i) {
    if (phrase[i] == '\\' && i + 1 < phrase.size() && (phrase[i + 1] == '"' || phrase[i + 1] == '\\')) {
      result += phrase[++i];
    } else {
      result += phrase[i];
    }
  }
  return result;
}

bool has_non_space(std::string_view text) {
  for (char c : text) {
    if (!is_space(c)) return true;
  }
  return false;
}

}  // namespace

TextSearchQuery parse_text_search_query(std::string_view query) {
  TextSearchQuery result;
  auto add = [&](char prefix, std::string term) {
    if (prefix == '-' || prefix == '!') {
      result.exclude.push_back(std::move(term));
    } else if (prefix == '+') {
      result.required.push_back(std::move(term));
    } else {
      result.include.push_back(std::move(term));
    }
  };
  size_t i = 0;
  while (i < query.size()) {
    if (is_space(query[i])) {
      ++i;
      continue;
    }
    char prefix = 0;
    if (query[i] == '-' || query[i] == '!' || query[i] == '+') {
      // A prefix counts only when a term follows it directly.
      if (i + 1 >= query.size() || is_space(query[i + 1])) {
        ++i;
        continue;
      }
      prefix = query[i++];
    }
    if (query[i] == '"') {
      const size_t start = ++i;
      while (i < query.size() && query[i] != '"') i += (query[i] == '\\' && i + 1 < query.size()) ? 2 : 1;
      std::string phrase = unescape_phrase(query.substr(start, i - start));
      if (i < query.size()) ++i;  // the closing quote; an unclosed phrase runs to the end
      if (has_non_space(phrase)) add(prefix, std::move(phrase));
      continue;
    }
    const size_t start = i;
    while (i < query.size() && !is_space(query[i]) && query[i] != '"') ++i;
    if (i > start) add(prefix, std::string(query.substr(start, i - start)));
  }
  return result;
}

}  // namespace prefectd
