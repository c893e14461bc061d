// The pd_host_services a plugin receives: the host's log and settings.
#pragma once

#include <prefectd/backend.h>

#include "settings/settings.h"

namespace prefectd {

// Builds the services table for `settings`, which must outlive every plugin
// loaded with it (in practice: the process).
class HostServices {
 public:
  explicit HostServices(const Settings &settings);
  HostServices(const HostServices &) = delete;
  HostServices &operator=(const HostServices &) = delete;
  const pd_host_services *get() const { return &services_; }

 private:
  const Settings &settings_;
  pd_host_services services_{};
};

}  // namespace prefectd
