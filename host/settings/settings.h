// Effective settings, resolved the way Prefect resolves them: the canonical
// environment variable, then its legacy aliases, then the default. The list
// of settings and their aliases is Prefect's own (prefect_settings_catalog.json,
// generated from the OpenAPI Settings schema); prefectd adds a few of its
// own, named PREFECTD_*.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

enum class SettingKind { String, Integer, Number, Boolean, Duration, Array, Object };

struct SettingDefinition {
  std::string path;              // "server.api.port"; empty for PREFECTD_* settings
  std::vector<std::string> env;  // canonical name first, then aliases
  SettingKind kind = SettingKind::String;
  std::optional<std::string> default_text;
  bool secret = false;
  std::string help;  // set for the settings prefectd reads

  const std::string &canonical() const { return env.front(); }
};

class Settings {
 public:
  using Environment = std::function<std::optional<std::string>(const std::string &name)>;

  // Reads the process environment.
  static Settings from_environment();
  // Reads `environment` (tests pass a map).
  explicit Settings(const Environment &environment);

  // The effective text value of a setting by its canonical name; nullopt
  // when unset without a default. Throws std::out_of_range for a name that
  // is no setting at all, which is a programming error.
  const std::optional<std::string> &text(std::string_view canonical) const;
  // The same, as a C string that lives as long as this object (for plugins).
  const char *c_str(std::string_view canonical) const;
  bool is_known(std::string_view canonical) const;

  // Typed reads of settings that have a value; they throw
  // std::invalid_argument naming the variable when its text does not parse.
  std::string string(std::string_view canonical) const;
  int64_t integer(std::string_view canonical) const;
  double number(std::string_view canonical) const;
  bool boolean(std::string_view canonical) const;
  double seconds(std::string_view canonical) const;  // numbers or ISO 8601 durations

  // The definitions prefectd reads, in the order `--help` lists them.
  std::vector<const SettingDefinition *> honoured() const;

  // Prefect's nested settings object (GET /admin/settings), secrets
  // obfuscated, prefectd's own settings left out.
  void to_json(rapidjson::Document &document) const;

 private:
  struct Resolved {
    const SettingDefinition *definition;
    std::optional<std::string> value;
  };
  const Resolved &resolved(std::string_view canonical) const;

  std::vector<SettingDefinition> definitions_;
  std::map<std::string, Resolved, std::less<>> by_canonical_;
};

// Parses Prefect's boolean spellings (true/false/1/0/yes/no, any case).
std::optional<bool> parse_boolean(std::string_view text);
// Parses seconds ("30", "2.5") or an ISO 8601 duration ("PT1H", "P7D").
std::optional<double> parse_duration_seconds(std::string_view text);

}  // namespace prefectd
