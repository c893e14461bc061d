// Datetimes and durations as pydantic's lax mode reads them from JSON
// values, with pydantic's error types and speedate's error wording.
#pragma once

#include "core/timestamp.h"

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace prefectd {

struct TemporalReading {
  std::optional<double> seconds;      // durations: the value in seconds
  std::optional<Timestamp> datetime;  // datetimes
  std::string error_type;             // when neither: "datetime_from_date_parsing", ...
  std::string message;
};

// A JSON value for a `datetime` field: ISO 8601 text (a date alone is
// midnight, a naive time is UTC) or a Unix timestamp in seconds, or in
// milliseconds above 2e10.
TemporalReading read_datetime(const rapidjson::Value &input);
// A JSON value for a `timedelta` field: seconds, or ISO 8601 duration text.
TemporalReading read_duration(const rapidjson::Value &input);

}  // namespace prefectd
