// The three vtables this plugin hands the host.
#pragma once

#include <prefectd/backend.h>

namespace prefectd::postgres {

const pd_configuration &configuration_vtable();
const pd_query_components &query_components_vtable();
const pd_orm &orm_vtable();

}  // namespace prefectd::postgres
