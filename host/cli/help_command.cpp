#include "commands.h"
#include "settings/settings.h"
#include "version.h"

#include <prefectd/backend.h>

#include <cstdio>

namespace prefectd {

void print_version() {
  std::printf("prefectd %s (Prefect REST API %s, compatible with Prefect %s; plugin ABI %d.%d)\n", kPrefectdVersion,
              kPrefectApiVersion, kPrefectCompatibleVersion, PD_ABI_VERSION_MAJOR, PD_ABI_VERSION_MINOR);
}

void print_help() {
  std::printf(
      "prefectd: a Prefect orchestration server with pluggable database backends\n\n"
      "Usage:\n"
      "  prefectd [serve]                    start the server (the default)\n"
      "  prefectd database upgrade [-r REV]  apply migrations up to REV (default: head)\n"
      "  prefectd database downgrade [-r REV] revert to REV (default: one step; 'base': all)\n"
      "  prefectd database reset [-y]        drop everything and migrate to head\n"
      "  prefectd database revision -m MSG [--sql-dir DIR]\n"
      "                                      add an empty migration pair per dialect under DIR (default: sql)\n"
      "  prefectd database current           print the applied revision\n"
      "  prefectd plugins                    list backend plugins on the search path\n"
      "  prefectd --version | --help\n\n"
      "Settings (environment variables; the effective default is shown):\n");
  Settings settings = Settings::from_environment();
  for (const SettingDefinition *definition : settings.honoured()) {
    std::string shown = definition->default_text.value_or("unset");
    if (definition->secret) shown = definition->default_text ? "(secret)" : "unset";
    std::printf("  %s\n      %s\n      default: %s", definition->canonical().c_str(), definition->help.c_str(),
                shown.c_str());
    if (definition->env.size() > 1) {
      std::printf("; also read as");
      for (size_t i = 1; i < definition->env.size(); ++i) std::printf(" %s", definition->env[i].c_str());
    }
    std::printf("\n");
  }
}

}  // namespace prefectd
