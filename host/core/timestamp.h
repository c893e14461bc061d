// A point in time in UTC with microsecond precision, as Prefect keeps them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

class Timestamp {
 public:
  constexpr Timestamp() = default;
  constexpr explicit Timestamp(int64_t micros_since_epoch) : micros_(micros_since_epoch) {}

  static Timestamp now();
  // ISO 8601 input as Prefect accepts it; a naive time is UTC.
  static std::optional<Timestamp> parse(std::string_view text);

  int64_t micros() const { return micros_; }
  // "2026-08-21T10:00:00.123456Z", the fraction omitted when zero, as
  // Prefect's serializer writes it.
  std::string to_iso8601() const;

  Timestamp plus_seconds(double seconds) const;
  auto operator<=>(const Timestamp &) const = default;

 private:
  int64_t micros_ = 0;
};

}  // namespace prefectd
