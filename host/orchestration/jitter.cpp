#include "jitter.h"

#include <algorithm>
#include <cmath>

namespace prefectd {
namespace {

double exponential_cdf(double x, double average_interval) {
  return 1 - std::exp(-x / average_interval);
}

// The lower multiple c for which the probability mass between c·average and
// the median equals that between the median and k·average.
double lower_clamp_multiple(double k) {
  if (k >= 50) return 0;
  return std::log2(std::max(std::pow(2.0, k) / (std::pow(2.0, k) - 1), 1e-10));
}

}  // namespace

double clamped_poisson_interval(double average_interval, double clamping_factor, double random_unit) {
  const double upper_bound = average_interval * (1 + clamping_factor);
  const double lower_bound = std::max(0.0, average_interval * lower_clamp_multiple(1 + clamping_factor));
  const double upper_rv = exponential_cdf(upper_bound, average_interval);
  const double lower_rv = exponential_cdf(lower_bound, average_interval);
  // Inverse CDF of a uniform draw between the two bounds' probabilities.
  const double draw = lower_rv + (upper_rv - lower_rv) * random_unit;
  return -std::log(std::max(1 - draw, 1e-10)) * average_interval;
}

}  // namespace prefectd
