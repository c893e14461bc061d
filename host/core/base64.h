// Standard base64 (RFC 4648 §4, padded), as Python's base64.b64encode.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not padded standard base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace prefectd
