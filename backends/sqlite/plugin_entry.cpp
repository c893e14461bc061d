// The one exported symbol: the SQLite backend's descriptor.
#include "host_services.h"
#include "vtables.h"

namespace {

constexpr const char *kSchemes[] = {"sqlite", "sqlite+aiosqlite", nullptr};

}  // namespace

extern "C" PD_EXPORT const pd_backend *prefectd_backend_entry(const pd_host_services *host) {
  prefectd::backend::remember_host(host);
  static const pd_backend descriptor = {
      .struct_size = sizeof(pd_backend),
      .abi_major = PD_ABI_VERSION_MAJOR,
      .abi_minor = PD_ABI_VERSION_MINOR,
      .name = "sqlite",
      .version = PREFECTD_BACKEND_VERSION,
      .schemes = kSchemes,
      .configuration = &prefectd::sqlite::configuration_vtable(),
      .query_components = &prefectd::sqlite::query_components_vtable(),
      .orm = &prefectd::sqlite::orm_vtable(),
  };
  return &descriptor;
}
