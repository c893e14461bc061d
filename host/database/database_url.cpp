#include "database_url.h"

#include <charconv>

namespace prefectd {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text, std::string_view what) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded.push_back(text[i]);
      continue;
    }
    int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      throw DatabaseUrlError("malformed percent-encoding in the " + std::string(what) + " of the database URL");
    }
    decoded.push_back(static_cast<char>(high << 4 | low));
    i += 2;
  }
  return decoded;
}

bool valid_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
         c == '.' || c == '_';
}

}  // namespace

DatabaseUrl DatabaseUrl::parse(std::string_view text) {
  DatabaseUrl url;
  size_t separator = text.find("://");
  if (separator == std::string_view::npos) {
    throw DatabaseUrlError("database URL must look like scheme://...; got no '://'");
  }
  std::string_view scheme = text.substr(0, separator);
  if (scheme.empty()) throw DatabaseUrlError("database URL has an empty scheme");
  for (char c : scheme) {
    if (!valid_scheme_char(c)) throw DatabaseUrlError("database URL scheme '" + std::string(scheme) + "' is not valid");
  }
  size_t plus = scheme.find('+');
  url.scheme = std::string(scheme.substr(0, plus));
  if (plus != std::string_view::npos) {
    url.driver = std::string(scheme.substr(plus + 1));
    if (url.driver->empty() || url.scheme.empty()) {
      throw DatabaseUrlError("database URL scheme '" + std::string(scheme) + "' has an empty part around '+'");
    }
  }
  std::string_view rest = text.substr(separator + 3);

  // The query string belongs to the whole URL, including SQLite paths.
  size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
  rest = rest.substr(0, question);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    std::string key = percent_decode(pair.substr(0, equals), "query");
    if (key.empty()) throw DatabaseUrlError("database URL has a query option with an empty name");
    std::string value = equals == std::string_view::npos ? "" : percent_decode(pair.substr(equals + 1), "query");
    url.options.emplace_back(std::move(key), std::move(value));
  }

  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash + 1);
    if (!path.empty()) url.database = percent_decode(path, "database name");
  }

  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view credentials = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = credentials.find(':');
    url.username = percent_decode(credentials.substr(0, colon), "user name");
    if (colon != std::string_view::npos) url.password = percent_decode(credentials.substr(colon + 1), "password");
  }
  std::string_view host = authority;
  std::string_view port;
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    if (close == std::string_view::npos) throw DatabaseUrlError("database URL has an unterminated [IPv6] host");
    std::string_view after = host.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') throw DatabaseUrlError("database URL has text after the [IPv6] host");
      port = after.substr(1);
    }
    host = host.substr(1, close - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (!host.empty()) url.host = percent_decode(host, "host");
  if (!port.empty() || authority.ends_with(':')) {
    int number = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) {
      throw DatabaseUrlError("database URL port '" + std::string(port) + "' is not a number from 1 to 65535");
    }
    url.port = number;
  }
  return url;
}

std::string DatabaseUrl::redacted() const {
  std::string text = scheme;
  if (driver) text += "+" + *driver;
  text += "://";
  if (username) {
    text += *username;
    if (password) text += ":***";
    text += "@";
  }
  if (host) text += host->find(':') != std::string::npos ? "[" + *host + "]" : *host;
  if (port != 0) text += ":" + std::to_string(port);
  text += "/";
  if (database) text += *database;
  for (size_t i = 0; i < options.size(); ++i) {
    text += (i == 0 ? "?" : "&") + options[i].first;
    // Option values may carry credentials (sslpassword, passfile); hide them all.
    bool sensitive = options[i].first.find("password") != std::string::npos;
    text += "=" + (sensitive ? std::string("***") : options[i].second);
  }
  return text;
}

AbiDatabaseUrl::AbiDatabaseUrl(const DatabaseUrl &url) : url_(url), redacted_(url.redacted()) {
  for (const auto &[key, value] : url_.options) options_.push_back({key.c_str(), value.c_str()});
  auto c_str = [](const std::optional<std::string> &text) { return text ? text->c_str() : nullptr; };
  view_.struct_size = sizeof view_;
  view_.scheme = url_.scheme.c_str();
  view_.driver = c_str(url_.driver);
  view_.username = c_str(url_.username);
  view_.password = c_str(url_.password);
  view_.host = c_str(url_.host);
  view_.port = url_.port;
  view_.database = c_str(url_.database);
  view_.options = options_.empty() ? nullptr : options_.data();
  view_.option_count = options_.size();
  view_.redacted = redacted_.c_str();
}

}  // namespace prefectd
