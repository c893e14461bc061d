// UUIDs as 16 bytes; v4 for most objects, v7 (time-ordered) for what is
// written at the rate runs go: runs, their states, artifacts, logs, events
// and their resources. Prefect mints states, logs and events as v7 and the
// rest as v4; clients see ids only as UUIDs, and a time-ordered primary key
// is inserted at the right edge of its index instead of on a random page:
// fewer pages per commit in the one writer's turn (docs/benchmarks.md s14).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

class Uuid {
 public:
  Uuid() = default;
  explicit Uuid(const std::array<uint8_t, 16> &bytes) : bytes_(bytes) {}

  static Uuid v4();
  static Uuid v7();
  // Canonical or bare-hex text, either case.
  static std::optional<Uuid> parse(std::string_view text);

  std::string to_string() const;  // lowercase, hyphenated
  const std::array<uint8_t, 16> &bytes() const { return bytes_; }
  auto operator<=>(const Uuid &) const = default;

 private:
  std::array<uint8_t, 16> bytes_{};
};

}  // namespace prefectd
