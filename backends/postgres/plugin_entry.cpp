// The one exported symbol: the PostgreSQL backend's descriptor.
#include "host_services.h"
#include "vtables.h"

namespace {

constexpr const char *kSchemes[] = {"postgresql", "postgresql+asyncpg", "postgres", nullptr};

}  // namespace

extern "C" PD_EXPORT const pd_backend *prefectd_backend_entry(const pd_host_services *host) {
  // Remembering the host and returning a static descriptor cannot throw; the
  // vtables are function-local statics of constant data.
  prefectd::backend::remember_host(host);
  static const pd_backend descriptor = {
      .struct_size = sizeof(pd_backend),
      .abi_major = PD_ABI_VERSION_MAJOR,
      .abi_minor = PD_ABI_VERSION_MINOR,
      .name = "postgresql",
      .version = PREFECTD_BACKEND_VERSION,
      .schemes = kSchemes,
      .configuration = &prefectd::postgres::configuration_vtable(),
      .query_components = &prefectd::postgres::query_components_vtable(),
      .orm = &prefectd::postgres::orm_vtable(),
  };
  return &descriptor;
}
