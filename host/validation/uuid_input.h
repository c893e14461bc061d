// UUID text as pydantic reads it (the Rust `uuid` crate 1.18 that
// pydantic-core links): simple, hyphenated, {braced} and urn:uuid: forms,
// with that crate's exact error wording for anything else.
#pragma once

#include "core/uuid.h"

#include <string>
#include <string_view>
#include <variant>

namespace prefectd {

// The UUID, or the error text pydantic puts after "Input should be a valid UUID, ".
std::variant<Uuid, std::string> read_uuid_text(std::string_view text);

}  // namespace prefectd
