#include "host_services.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>

namespace prefectd::backend {
namespace {

std::atomic<const pd_host_services *> g_host{nullptr};

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

void remember_host(const pd_host_services *host) {
  g_host = host;
}

void log(pd_log_level level, const std::string &message) {
  const pd_host_services *host = g_host;
  if (host != nullptr && host->xLog != nullptr) host->xLog(host->host, level, message.c_str());
}

bool log_enabled(pd_log_level level) {
  const pd_host_services *host = g_host;
  if (host == nullptr || host->xLog == nullptr) return false;
  if (host->xLogEnabled == nullptr) return true;
  return host->xLogEnabled(host->host, level) != 0;
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
  if (!text || text->empty()) return fallback;
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
  if (!text || text->empty()) return fallback;
  const std::string lower = lowercase(*text);
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  log(PD_LOG_WARNING, std::string(canonical_name) + "='" + *text + "' is not a boolean; using the default");
  return fallback;
}

}  // namespace prefectd::backend
