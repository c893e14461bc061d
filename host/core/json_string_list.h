// A stored JSON list of strings (tags, a v1 limit's active_slots) as a
// vector; anything that is not a string is skipped, malformed text is empty.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

std::vector<std::string> json_string_list(std::string_view json);

}  // namespace prefectd
