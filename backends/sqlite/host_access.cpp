#include "host_access.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>

namespace prefectd::sqlite {
namespace {

std::atomic<const pd_host_services *> g_host{nullptr};

}  // namespace

void remember_host(const pd_host_services *host) { g_host = host; }

void log(pd_log_level level, const std::string &message) {
  const pd_host_services *host = g_host;
  if (host != nullptr && host->xLog != nullptr) host->xLog(host->host, level, message.c_str());
}

std::optional<std::string> setting(const char *canonical_name) {
  const pd_host_services *host = g_host;
  if (host == nullptr || host->xSetting == nullptr) return std::nullopt;
  const char *value = host->xSetting(host->host, canonical_name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

double number_setting(const char *canonical_name, double fallback) {
  auto text = setting(canonical_name);
  if (!text) return fallback;
  double value = fallback;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size()) {
    log(PD_LOG_WARNING, std::string(canonical_name) + "='" + *text + "' is not a number; using the default");
    return fallback;
  }
  return value;
}

bool boolean_setting(const char *canonical_name, bool fallback) {
  auto text = setting(canonical_name);
  if (!text) return fallback;
  std::string lower = *text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  return fallback;
}

}  // namespace prefectd::sqlite
