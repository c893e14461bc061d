#include "settings.h"

#include "honoured_settings.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace prefectd {

std::string_view prefect_settings_catalog_text();  // embedded at build time

namespace {

constexpr std::string_view kObfuscatedSecret = "**********";

SettingKind kind_from_name(std::string_view name) {
  if (name == "integer") return SettingKind::Integer;
  if (name == "number") return SettingKind::Number;
  if (name == "boolean") return SettingKind::Boolean;
  if (name == "duration") return SettingKind::Duration;
  if (name == "array") return SettingKind::Array;
  if (name == "object") return SettingKind::Object;
  return SettingKind::String;
}

std::string json_text(const rapidjson::Value &value) {
  if (value.IsString()) return {value.GetString(), value.GetStringLength()};
  if (value.IsBool()) return value.GetBool() ? "true" : "false";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

std::string expand_home(std::string path) {
  if (path.starts_with("~")) {
    const char *home = std::getenv("HOME");
    path.replace(0, 1, home != nullptr ? home : "");
  }
  return path;
}

std::vector<SettingDefinition> load_definitions() {
  rapidjson::Document catalog;
  std::string_view text = prefect_settings_catalog_text();
  catalog.Parse(text.data(), text.size());
  if (catalog.HasParseError() || !catalog.HasMember("settings")) {
    throw std::logic_error("the embedded settings catalogue does not parse");
  }
  std::vector<SettingDefinition> definitions;
  for (const auto &entry : catalog["settings"].GetArray()) {
    SettingDefinition definition;
    definition.path = entry["path"].GetString();
    for (const auto &name : entry["env"].GetArray()) definition.env.emplace_back(name.GetString());
    if (definition.env.empty()) continue;
    definition.kind = kind_from_name(entry["kind"].GetString());
    if (entry.HasMember("default") && !entry["default"].IsNull()) {
      definition.default_text = json_text(entry["default"]);
    }
    definition.secret = entry.HasMember("secret") && entry["secret"].GetBool();
    definitions.push_back(std::move(definition));
  }
  for (size_t i = 0; i < kOwnSettingCount; ++i) {
    const OwnSetting &own = kOwnSettings[i];
    SettingDefinition definition;
    definition.env = {std::string(own.name)};
    if (!own.default_value.empty()) definition.default_text = std::string(own.default_value);
    definition.help = own.help;
    definitions.push_back(std::move(definition));
  }
  for (size_t i = 0; i < kHonouredPrefectSettingCount; ++i) {
    auto it = std::find_if(definitions.begin(), definitions.end(), [&](const SettingDefinition &d) {
      return d.canonical() == kHonouredPrefectSettings[i].canonical;
    });
    if (it == definitions.end()) {
      throw std::logic_error("honoured setting missing from the catalogue: " +
                             std::string(kHonouredPrefectSettings[i].canonical));
    }
    it->help = kHonouredPrefectSettings[i].help;
  }
  return definitions;
}

std::string percent_encoded(std::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded += {'%', kDigits[c >> 4], kDigits[c & 0xf]};
    }
  }
  return encoded;
}

// Prefect builds the URL from the driver and parts when none is given:
// SQLite uses the name as the file path; PostgreSQL needs host, user and
// name, and the port defaults to 5432. Without a driver: SQLite in home.
std::optional<std::string> url_from_parts(std::map<std::string, std::optional<std::string>, std::less<>> &values,
                                          const std::string &home) {
  const auto &driver = values["PREFECT_SERVER_DATABASE_DRIVER"];
  const auto &name = values["PREFECT_SERVER_DATABASE_NAME"];
  if (!driver || driver->starts_with("sqlite")) {
    return "sqlite+aiosqlite:///" + (name ? *name : home + "/prefect.db");
  }
  const auto &host = values["PREFECT_SERVER_DATABASE_HOST"];
  const auto &user = values["PREFECT_SERVER_DATABASE_USER"];
  if (!host || !user || !name) return std::nullopt;  // the start-up check names what is missing
  const auto &password = values["PREFECT_SERVER_DATABASE_PASSWORD"];
  const auto &port = values["PREFECT_SERVER_DATABASE_PORT"];
  return *driver + "://" + percent_encoded(*user) + (password ? ":" + percent_encoded(*password) : "") + "@" + *host +
         ":" + port.value_or("5432") + "/" + *name;
}

// Defaults Prefect computes at run time rather than declaring.
void apply_computed_defaults(std::map<std::string, std::optional<std::string>, std::less<>> &values) {
  std::string home = expand_home(values["PREFECT_HOME"].value_or("~/.prefect"));
  values["PREFECT_HOME"] = home;
  // Paths Prefect derives from its home when they are not set.
  for (const auto &[name, file] :
       {std::pair{"PREFECT_PROFILES_PATH", "/profiles.toml"}, std::pair{"PREFECT_LOGGING_CONFIG_PATH", "/logging.yml"},
        std::pair{"PREFECT_RESULTS_LOCAL_STORAGE_PATH", "/storage"},
        std::pair{"PREFECT_SERVER_MEMO_STORE_PATH", "/memo_store.toml"}}) {
    auto &value = values[name];
    value = value ? expand_home(*value) : home + file;
  }
  if (!values["PREFECT_CLIENT_CUSTOM_HEADERS"]) values["PREFECT_CLIENT_CUSTOM_HEADERS"] = "{}";
  auto &url = values["PREFECT_SERVER_DATABASE_CONNECTION_URL"];
  if (!url) url = url_from_parts(values, home);
  // A literal ${PREFECT_…_PASSWORD} in the URL stands for the password setting.
  const auto &password = values["PREFECT_SERVER_DATABASE_PASSWORD"];
  if (url && password) {
    for (std::string_view token : {"${PREFECT_SERVER_DATABASE_PASSWORD}", "${PREFECT_API_DATABASE_PASSWORD}"}) {
      for (size_t at = url->find(token); at != std::string::npos; at = url->find(token)) {
        url->replace(at, token.size(), *password);
      }
    }
  }
}

}  // namespace

std::optional<bool> parse_boolean(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "0" || lower == "no" || lower == "off") return false;
  return std::nullopt;
}

std::optional<double> parse_duration_seconds(std::string_view text) {
  double plain = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), plain);
  if (error == std::errc() && end == text.data() + text.size()) return plain;
  // ISO 8601: PnW, PnDTnHnMnS (years and months are not durations here).
  if (text.empty() || text.front() != 'P') return std::nullopt;
  double total = 0;
  bool in_time = false;
  bool any = false;
  size_t pos = 1;
  while (pos < text.size()) {
    if (text[pos] == 'T') {
      in_time = true;
      ++pos;
      continue;
    }
    double number = 0;
    auto [stop, failed] = std::from_chars(text.data() + pos, text.data() + text.size(), number);
    if (failed != std::errc() || stop == text.data() + text.size()) return std::nullopt;
    pos = static_cast<size_t>(stop - text.data());
    char unit = text[pos++];
    if (!in_time && unit == 'W')
      total += number * 604800;
    else if (!in_time && unit == 'D')
      total += number * 86400;
    else if (in_time && unit == 'H')
      total += number * 3600;
    else if (in_time && unit == 'M')
      total += number * 60;
    else if (in_time && unit == 'S')
      total += number;
    else
      return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

Settings Settings::from_environment() {
  return Settings([](const std::string &name) -> std::optional<std::string> {
    const char *value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  });
}

Settings::Settings(const Environment &environment) : definitions_(load_definitions()) {
  std::map<std::string, std::optional<std::string>, std::less<>> values;
  for (const SettingDefinition &definition : definitions_) {
    std::optional<std::string> value;
    // The canonical name wins over aliases; the first alias set wins after it.
    for (const std::string &name : definition.env) {
      if ((value = environment(name))) break;
    }
    values[definition.canonical()] = value ? value : definition.default_text;
  }
  apply_computed_defaults(values);
  for (const SettingDefinition &definition : definitions_) {
    by_canonical_.emplace(definition.canonical(), Resolved{&definition, values[definition.canonical()]});
  }
}

const Settings::Resolved &Settings::resolved(std::string_view canonical) const {
  auto it = by_canonical_.find(canonical);
  if (it == by_canonical_.end()) throw std::out_of_range("no such setting: " + std::string(canonical));
  return it->second;
}

bool Settings::is_known(std::string_view canonical) const {
  return by_canonical_.contains(canonical);
}

const std::optional<std::string> &Settings::text(std::string_view canonical) const {
  return resolved(canonical).value;
}

const char *Settings::c_str(std::string_view canonical) const {
  const auto &value = resolved(canonical).value;
  return value ? value->c_str() : nullptr;
}

std::string Settings::string(std::string_view canonical) const {
  const auto &value = text(canonical);
  if (!value) throw std::invalid_argument(std::string(canonical) + " is not set");
  return *value;
}

int64_t Settings::integer(std::string_view canonical) const {
  std::string value = string(canonical);
  int64_t number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw std::invalid_argument(std::string(canonical) + "='" + value + "' is not an integer");
  }
  return number;
}

double Settings::number(std::string_view canonical) const {
  std::string value = string(canonical);
  double number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size() || !std::isfinite(number)) {
    throw std::invalid_argument(std::string(canonical) + "='" + value + "' is not a number");
  }
  return number;
}

bool Settings::boolean(std::string_view canonical) const {
  std::string value = string(canonical);
  auto parsed = parse_boolean(value);
  if (!parsed) throw std::invalid_argument(std::string(canonical) + "='" + value + "' is not a boolean");
  return *parsed;
}

double Settings::seconds(std::string_view canonical) const {
  std::string value = string(canonical);
  auto parsed = parse_duration_seconds(value);
  if (!parsed) throw std::invalid_argument(std::string(canonical) + "='" + value + "' is not a duration");
  return *parsed;
}

std::vector<const SettingDefinition *> Settings::honoured() const {
  std::vector<const SettingDefinition *> list;
  for (const SettingDefinition &definition : definitions_) {
    if (!definition.help.empty()) list.push_back(&definition);
  }
  return list;
}

void Settings::to_json(rapidjson::Document &document) const {
  auto &allocator = document.GetAllocator();
  document.SetObject();
  for (const SettingDefinition &definition : definitions_) {
    if (definition.path.empty()) continue;
    // Walk or create the nested objects along the dotted path.
    rapidjson::Value *node = &document;
    std::string_view path = definition.path;
    for (size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
      std::string_view key = path.substr(0, dot);
      path.remove_prefix(dot + 1);
      // A Value key: a bare StringRef would decay to const char* and be
      // read up to the NUL, i.e. the whole rest of the path.
      const rapidjson::Value name(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size())));
      auto member = node->FindMember(name);
      if (member == node->MemberEnd()) {
        node->AddMember(rapidjson::Value(name, allocator), rapidjson::Value(rapidjson::kObjectType), allocator);
        member = node->FindMember(name);
      }
      node = &member->value;
    }
    const auto &value = text(definition.canonical());
    rapidjson::Value json;
    if (!value) {
      json.SetNull();
    } else if (definition.secret) {
      json.SetString(kObfuscatedSecret.data(), static_cast<rapidjson::SizeType>(kObfuscatedSecret.size()));
    } else {
      switch (definition.kind) {
        case SettingKind::Boolean:
          if (auto parsed = parse_boolean(*value)) json.SetBool(*parsed);
          break;
        case SettingKind::Integer:
        case SettingKind::Number:
        case SettingKind::Array:
        case SettingKind::Object: {
          rapidjson::Document parsed(&allocator);
          parsed.Parse(value->c_str());
          if (!parsed.HasParseError())
            json.CopyFrom(parsed, allocator);
          else
            json.SetString(value->c_str(), allocator);
          break;
        }
        case SettingKind::Duration:
        case SettingKind::String:
          json.SetString(value->c_str(), allocator);
          break;
      }
    }
    node->AddMember(rapidjson::Value(path.data(), static_cast<rapidjson::SizeType>(path.size()), allocator), json,
                    allocator);
  }
}

}  // namespace prefectd
