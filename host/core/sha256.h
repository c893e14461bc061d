// SHA-256 digests as lowercase hex (block schema checksums).
#pragma once

#include <string>
#include <string_view>

namespace prefectd {

std::string sha256_hex(std::string_view bytes);

}  // namespace prefectd
