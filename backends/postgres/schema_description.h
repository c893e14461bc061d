// A canonical text description of the current schema, for comparing a
// database migrated by prefectd with one migrated by Python Prefect.
#pragma once

#include "handles.h"

namespace prefectd::postgres {

pd_status describe_schema(pd_session &session, pd_sink *out, pd_error *error);

}  // namespace prefectd::postgres
