// The canonical text form of UUIDs: lowercase, hyphenated, 36 characters.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prefectd::backend {

std::string format_uuid(const uint8_t (&bytes)[16]);

// Accepts the hyphenated form in either case, or 32 bare hex digits.
std::optional<std::array<uint8_t, 16>> parse_uuid(std::string_view text);

}  // namespace prefectd::backend
