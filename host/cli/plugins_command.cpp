#include "commands.h"
#include "database/host_services.h"
#include "database/plugin_loader.h"
#include "startup.h"

#include <cstdio>

namespace prefectd {

int run_plugins() {
  Runtime runtime = load_settings();
  PluginCatalog catalog(plugin_search_path(*runtime.settings), runtime.host_services->get());
  if (catalog.candidates().empty()) {
    std::printf("no backend plugins found\n");
    return 1;
  }
  for (const PluginCandidate &candidate : catalog.candidates()) {
    std::string schemes;
    for (const auto &scheme : candidate.schemes) schemes += (schemes.empty() ? "" : ", ") + scheme;
    std::printf("%s\n  name: %s  version: %s  ABI: %d.%d  schemes: %s\n  status: %s\n", candidate.path.c_str(),
                candidate.name.empty() ? "?" : candidate.name.c_str(),
                candidate.version.empty() ? "?" : candidate.version.c_str(), candidate.abi_major, candidate.abi_minor,
                schemes.empty() ? "-" : schemes.c_str(),
                candidate.problem.empty() ? "usable" : ("rejected: " + candidate.problem).c_str());
  }
  return 0;
}

}  // namespace prefectd
