#include "timestamp.h"

#include "timestamp_text.h"

#include <chrono>
#include <cmath>

namespace prefectd {

Timestamp Timestamp::now() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp(std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count());
}

std::optional<Timestamp> Timestamp::parse(std::string_view text) {
  auto micros = backend::parse_timestamp_micros(text);
  if (!micros) return std::nullopt;
  return Timestamp(*micros);
}

std::string Timestamp::to_iso8601() const {
  // "YYYY-MM-DD HH:MM:SS.ffffff" → "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"
  std::string text = backend::format_timestamp_micros(micros_);
  text[10] = 'T';
  if (text.ends_with(".000000")) text.resize(text.size() - 7);
  text.push_back('Z');
  return text;
}

Timestamp Timestamp::plus_seconds(double seconds) const {
  return Timestamp(micros_ + static_cast<int64_t>(std::llround(seconds * 1e6)));
}

}  // namespace prefectd
