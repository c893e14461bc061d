#include "slot_wait_caps.h"

#include "settings/settings.h"

namespace prefectd {

SlotWaitCaps slot_wait_caps(const Settings &settings) {
  return {settings.number("PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS"),
          settings.number("PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS")};
}

}  // namespace prefectd
