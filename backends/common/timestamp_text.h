// Text forms of timestamps as the backends store and read them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prefectd::backend {

// "YYYY-MM-DD HH:MM:SS.ffffff": naive UTC with exactly six fraction digits,
// the form Prefect stores in SQLite. Fixed width so that string comparison
// orders like time, which SQLite queries rely on.
std::string format_timestamp_micros(int64_t micros_since_epoch);

// Parses "YYYY-MM-DD[ T]HH:MM[:SS[.f{1,9}]][Z|±HH[:MM]]" or a bare date into
// microseconds since the epoch in UTC; a missing offset means UTC. Returns
// nullopt on anything else.
std::optional<int64_t> parse_timestamp_micros(std::string_view text);

}  // namespace prefectd::backend
