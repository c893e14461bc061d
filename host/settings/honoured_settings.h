// The settings prefectd reads, each with why, and prefectd's own settings.
// `prefectd --help` prints exactly this list.
#pragma once

#include <string_view>

namespace prefectd {

struct HonouredSetting {
  std::string_view canonical;
  std::string_view help;
};

// Settings from Prefect's catalogue that prefectd (host or bundled plugins) reads.
extern const HonouredSetting kHonouredPrefectSettings[];
extern const size_t kHonouredPrefectSettingCount;

struct OwnSetting {
  std::string_view name;
  std::string_view default_value;  // empty: unset
  std::string_view help;
};

// PREFECTD_* settings that have no Prefect equivalent.
extern const OwnSetting kOwnSettings[];
extern const size_t kOwnSettingCount;

}  // namespace prefectd
