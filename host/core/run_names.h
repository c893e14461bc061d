// Names for runs created without one: an adjective and an animal, as
// Prefect's coolname slugs read ("crazy-okapi").
#pragma once

#include <string>

namespace prefectd {

std::string random_run_name();

}  // namespace prefectd
