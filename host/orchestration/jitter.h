// Prefect's clamped Poisson interval: a random delay around
// `average_interval`, at most average_interval·(1 + clamping_factor), whose
// mean stays about the average. Used for retry jitter and slot waits.
#pragma once

namespace prefectd {

// `random_unit` is a uniform draw in [0, 1).
double clamped_poisson_interval(double average_interval, double clamping_factor, double random_unit);

}  // namespace prefectd
