#include "conninfo.h"

#include "host_services.h"
#include "plugin_error.h"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

namespace prefectd::postgres {
namespace {

using prefectd::backend::fail;

constexpr const char *kConnectTimeout = "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT";
constexpr const char *kStatementTimeout = "PREFECT_SERVER_DATABASE_TIMEOUT";
constexpr const char *kApplicationName = "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_APPLICATION_NAME";
constexpr const char *kSearchPath = "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_SEARCH_PATH";
constexpr const char *kTlsEnabled = "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_ENABLED";
constexpr const char *kTlsCaFile = "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CA_FILE";
constexpr const char *kTlsCertFile = "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CERT_FILE";
constexpr const char *kTlsKeyFile = "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_KEY_FILE";
constexpr const char *kTlsCheckHostname = "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CHECK_HOSTNAME";

// URL options that configure asyncpg or SQLAlchemy's asyncpg dialect. They
// mean nothing to libpq (we never create server-side prepared statements, so
// the statement caches they size do not exist here) and are accepted so that
// a URL written for Python Prefect works unchanged.
constexpr std::array<std::string_view, 7> kDriverOnlyOptions = {"prepared_statement_cache_size",
                                                                "statement_cache_size",
                                                                "max_cached_statement_lifetime",
                                                                "max_cacheable_statement_size",
                                                                "prepared_statement_name_func",
                                                                "command_timeout",
                                                                "async_fallback"};

// libpq's own keywords, asked of the linked libpq so that newer keywords pass
// through without a code change.
const std::set<std::string, std::less<>> &libpq_keywords() {
  static const std::set<std::string, std::less<>> keywords = [] {
    std::set<std::string, std::less<>> names;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> defaults(PQconndefaults(), &PQconninfoFree);
    if (defaults == nullptr) return names;
    for (const PQconninfoOption *option = defaults.get(); option->keyword != nullptr; ++option) {
      names.insert(option->keyword);
    }
    return names;
  }();
  return keywords;
}

// One argument of libpq's `options` (server command-line switches): spaces
// and backslashes inside a value must be escaped with a backslash.
std::string escape_option_value(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == ' ' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string server_setting(std::string_view name, std::string_view value) {
  return "-c " + std::string(name) + "=" + escape_option_value(value);
}

// asyncpg's `ssl` URL option takes sslmode names, or true/false.
std::optional<std::string> sslmode_from_asyncpg_ssl(std::string_view value) {
  static constexpr std::array<std::string_view, 6> kModes = {"disable", "allow",     "prefer",
                                                             "require", "verify-ca", "verify-full"};
  if (std::find(kModes.begin(), kModes.end(), value) != kModes.end()) return std::string(value);
  if (value == "true" || value == "1") return "require";
  if (value == "false" || value == "0") return "disable";
  return std::nullopt;
}

// Whole seconds, rounded up. libpq treats 0 as "wait forever" and raises 1 to
// 2 seconds (a one-second timer could expire almost at once), so the
// effective minimum is 2 seconds; we say so by clamping here.
int connect_timeout_from_setting() {
  double seconds = backend::number_setting(kConnectTimeout, 5.0);
  if (!std::isfinite(seconds) || seconds <= 0) seconds = 5.0;
  return std::max(2, static_cast<int>(std::min(std::ceil(seconds), 86400.0)));
}

// Milliseconds; 0 disables the timeout (a non-positive setting).
long long statement_timeout_ms_from_setting() {
  double seconds = backend::number_setting(kStatementTimeout, 10.0);
  if (!std::isfinite(seconds) || seconds <= 0) return 0;
  return static_cast<long long>(std::ceil(std::min(seconds, 2147483.0) * 1000.0));
}

}  // namespace

pd_status ConnectionParameters::from_url(const pd_database_url &url, ConnectionParameters &out, pd_error *error) {
  ConnectionParameters parameters;
  parameters.set("host", url.host != nullptr && *url.host != '\0' ? url.host : "localhost");
  parameters.set("port", std::to_string(url.port > 0 ? url.port : 5432));
  if (url.database != nullptr && *url.database != '\0') parameters.set("dbname", url.database);
  if (url.username != nullptr && *url.username != '\0') parameters.set("user", url.username);
  if (url.password != nullptr) parameters.set("password", url.password);
  parameters.connect_timeout_seconds_ = connect_timeout_from_setting();
  parameters.set("connect_timeout", std::to_string(parameters.connect_timeout_seconds_));
  parameters.set("client_encoding", "UTF8");
  parameters.set("fallback_application_name", "prefectd");

  // Fixed session settings, sent in the startup packet so that every new
  // connection (including one made after a server restart) has them with no
  // extra round trip, and so that RESET ALL returns to them.
  //  - TimeZone, DateStyle: timestamptz text is ISO with a +00 offset.
  //  - IntervalStyle iso_8601: unambiguous signed components (P1DT-2H...),
  //    which interval_text.cpp parses.
  //  - extra_float_digits=1: shortest text that round-trips a double.
  //  - default_transaction_isolation: Prefect relies on READ COMMITTED.
  std::string isolation = "read committed";
  std::string user_options;
  for (size_t i = 0; i < url.option_count; ++i) {
    const std::string key = url.options[i].key != nullptr ? url.options[i].key : "";
    const std::string value = url.options[i].value != nullptr ? url.options[i].value : "";
    if (key == "default_transaction_isolation") {
      // asyncpg passes unknown URL options to the server as settings; this is
      // the one Prefect documents. Transactions still BEGIN ... READ COMMITTED.
      isolation = value;
    } else if (key == "application_name") {
      parameters.set("application_name", value);
    } else if (key == "options") {
      user_options = value;
    } else if (key == "ssl") {
      auto mode = sslmode_from_asyncpg_ssl(value);
      if (!mode) return fail(error, PD_INVALID, "database URL option 'ssl' has an unsupported value '" + value + "'");
      parameters.set("sslmode", *mode);
    } else if (std::find(kDriverOnlyOptions.begin(), kDriverOnlyOptions.end(), key) != kDriverOnlyOptions.end()) {
      backend::log(PD_LOG_DEBUG, "database URL option '" + key + "' configures asyncpg only; ignored");
    } else if (libpq_keywords().contains(key)) {
      parameters.set(key, value);
    } else {
      return fail(error, PD_INVALID,
                  "database URL option '" + key + "' is neither a libpq connection keyword nor a known driver option");
    }
  }

  // Settings override the URL, as Prefect's connect_args override asyncpg's
  // DSN options.
  if (auto name = backend::setting(kApplicationName); name && !name->empty()) parameters.set("application_name", *name);

  std::string options = user_options;
  auto add_option = [&options](const std::string &option) {
    if (!options.empty()) options += ' ';
    options += option;
  };
  // Ours come last: for a repeated -c the server keeps the last one.
  add_option(server_setting("TimeZone", "UTC"));
  add_option(server_setting("DateStyle", "ISO, YMD"));
  add_option(server_setting("IntervalStyle", "iso_8601"));
  add_option(server_setting("extra_float_digits", "1"));
  add_option(server_setting("default_transaction_isolation", isolation));
  if (long long timeout = statement_timeout_ms_from_setting(); timeout > 0) {
    add_option(server_setting("statement_timeout", std::to_string(timeout)));
  }
  if (auto search_path = backend::setting(kSearchPath); search_path && !search_path->empty()) {
    add_option(server_setting("search_path", *search_path));
  }
  parameters.set("options", options);

  if (backend::boolean_setting(kTlsEnabled, false)) {
    // TLS with verification, as Prefect's ssl.create_default_context():
    // the certificate chain always, the host name unless turned off.
    parameters.set("sslmode", backend::boolean_setting(kTlsCheckHostname, true) ? "verify-full" : "verify-ca");
    if (auto ca = backend::setting(kTlsCaFile); ca && !ca->empty()) {
      parameters.set("sslrootcert", *ca);
    } else if (PQlibVersion() >= 160000) {
      parameters.set("sslrootcert", "system");  // the system trust store, as Python's default context
    }
    if (auto cert = backend::setting(kTlsCertFile); cert && !cert->empty()) parameters.set("sslcert", *cert);
    if (auto key = backend::setting(kTlsKeyFile); key && !key->empty()) parameters.set("sslkey", *key);
    if (libpq_keywords().contains("ssl_min_protocol_version")) parameters.set("ssl_min_protocol_version", "TLSv1.2");
  }

  parameters.describe_target();
  out = std::move(parameters);
  return PD_OK;
}

ConnectionParameters ConnectionParameters::with_database(const std::string &database) const {
  ConnectionParameters copy = *this;
  copy.set("dbname", database);
  copy.describe_target();
  return copy;
}

std::vector<const char *> ConnectionParameters::keywords() const {
  std::vector<const char *> result;
  for (const auto &[keyword, value] : parameters_) result.push_back(keyword.c_str());
  result.push_back(nullptr);
  return result;
}

std::vector<const char *> ConnectionParameters::values() const {
  std::vector<const char *> result;
  for (const auto &[keyword, value] : parameters_) result.push_back(value.c_str());
  result.push_back(nullptr);
  return result;
}

std::string ConnectionParameters::database() const {
  if (const std::string *name = find("dbname")) return *name;
  if (const std::string *user = find("user")) return *user;  // libpq's default
  return {};
}

void ConnectionParameters::set(const std::string &keyword, std::string value) {
  for (auto &[existing, existing_value] : parameters_) {
    if (existing == keyword) {
      existing_value = std::move(value);
      return;
    }
  }
  parameters_.emplace_back(keyword, std::move(value));
}

const std::string *ConnectionParameters::find(const std::string &keyword) const {
  for (const auto &[existing, value] : parameters_) {
    if (existing == keyword) return &value;
  }
  return nullptr;
}

void ConnectionParameters::describe_target() {
  const std::string *host = find("host");
  const std::string *hostaddr = find("hostaddr");
  const std::string *port = find("port");
  std::string where = host != nullptr && !host->empty() ? *host : hostaddr != nullptr ? *hostaddr : "localhost";
  target_ = where + ":" + (port != nullptr ? *port : "5432") + "/" + database();
}

}  // namespace prefectd::postgres
