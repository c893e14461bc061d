// Boolean glue of compiled filters, as Prefect's PrefectFilterBaseModel and
// PrefectOperatorFilterBaseModel assemble them: a filter with no criteria is
// TRUE, otherwise its criteria are ANDed (or ORed when its operator says so).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

inline constexpr std::string_view kAlwaysTrue = "1 = 1";
inline constexpr std::string_view kNeverTrue = "1 = 0";

using Conditions = std::vector<std::string>;

// "(a AND b)" or "(a OR b)"; kAlwaysTrue for no conditions.
std::string combine(const Conditions &conditions, bool use_or = false);

}  // namespace prefectd
