// Text forms of PostgreSQL intervals.
//
// Written as "<seconds>.<micros> seconds" (e.g. "-5.250000 seconds"):
// PostgreSQL parses the integer and fraction separately, so every int64
// microsecond count round-trips exactly, and the stored interval has only a
// time part (no days or months).
//
// Read in IntervalStyle iso_8601, which every connection sets:
// "P1Y2M-3DT4H5M-6.5S", each component signed on its own. The default
// "postgres" style ("1 year 2 mons -3 days +04:05:06.5") is accepted too, in
// case a connection pooler dropped the startup options. Calendar units become
// fixed durations as in PostgreSQL's EXTRACT(EPOCH FROM interval): a day is
// 86 400 s, a month 30 days, a year 365.25 days.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prefectd::postgres {

std::string format_interval(int64_t micros);

std::optional<int64_t> parse_interval(std::string_view text);

}  // namespace prefectd::postgres
