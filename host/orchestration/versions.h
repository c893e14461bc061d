// The two version inputs of orchestration (orchestration.md §9): the
// X-PREFECT-API-VERSION header and the client version from User-Agent.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

// A PEP 440 version reduced to what the switches compare: the release
// numbers plus pre-release (a/b/rc), post and dev markers. Local labels
// ("+g1234") are ignored.
class Version {
 public:
  static std::optional<Version> parse(std::string_view text);

  std::strong_ordering operator<=>(const Version &other) const;
  bool operator==(const Version &other) const { return (*this <=> other) == 0; }

 private:
  std::vector<long> release_;
  // Sort keys: dev-only releases sort before pre-releases, which sort
  // before the final release, which sorts before post releases.
  int pre_kind_ = 3;  // 0 a, 1 b, 2 rc, 3 none
  long pre_number_ = 0;
  long post_ = -1;  // -1 none
  long dev_ = -1;   // -1 none
};

// "prefect/3.4.11 (API 0.8.4)" → "3.4.11"; anything else → nullopt.
std::optional<std::string> client_version_from_user_agent(std::string_view user_agent);

}  // namespace prefectd
