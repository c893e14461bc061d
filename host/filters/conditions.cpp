#include "conditions.h"

namespace prefectd {

std::string combine(const Conditions &conditions, bool use_or) {
  if (conditions.empty()) return std::string(kAlwaysTrue);
  if (conditions.size() == 1) return "(" + conditions.front() + ")";
  const std::string glue = use_or ? " OR " : " AND ";
  std::string combined = "(";
  for (size_t i = 0; i < conditions.size(); ++i) {
    if (i > 0) combined += glue;
    combined += "(" + conditions[i] + ")";
  }
  return combined + ")";
}

}  // namespace prefectd
