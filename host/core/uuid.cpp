#include "uuid.h"

#include "timestamp.h"
#include "uuid_text.h"

#include <random>

namespace prefectd {
namespace {

std::array<uint8_t, 16> random_bytes() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::array<uint8_t, 16> bytes{};
  for (size_t i = 0; i < bytes.size(); i += 8) {
    uint64_t word = engine();
    for (size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
  }
  return bytes;
}

}  // namespace

Uuid Uuid::v4() {
  auto bytes = random_bytes();
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);
  return Uuid(bytes);
}

Uuid Uuid::v7() {
  auto bytes = random_bytes();
  const auto millis = static_cast<uint64_t>(Timestamp::now().micros() / 1000);
  for (int i = 0; i < 6; ++i) bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(millis >> (8 * (5 - i)));
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x70);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);
  return Uuid(bytes);
}

std::optional<Uuid> Uuid::parse(std::string_view text) {
  auto bytes = backend::parse_uuid(text);
  if (!bytes) return std::nullopt;
  return Uuid(*bytes);
}

std::string Uuid::to_string() const {
  uint8_t raw[16];
  for (size_t i = 0; i < 16; ++i) raw[i] = bytes_[i];
  return backend::format_uuid(raw);
}

}  // namespace prefectd
