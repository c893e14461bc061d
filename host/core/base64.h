// Base64 as Python's base64 module writes it: standard (RFC 4648 §4) and
// URL-safe (§5, as urlsafe_b64encode), both padded.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

std::string base64url_encode(std::string_view bytes);
// Takes either alphabet, with or without padding (Fernet keys and tokens
// come from many writers); nullopt when it is not base64 at all.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace prefectd
