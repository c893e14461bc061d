// The settings that bound slot waits (Retry-After and denied-slot decay).
#pragma once

#include "models/concurrency_limits_v2.h"

namespace prefectd {

class Settings;

SlotWaitCaps slot_wait_caps(const Settings &settings);

}  // namespace prefectd
