#include "cli/commands.h"
#include "cli/startup.h"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char **argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  try {
    if (arguments.empty() || arguments[0] == "serve" || arguments[0] == "start") return prefectd::run_serve();
    const std::string &command = arguments[0];
    if (command == "--help" || command == "-h" || command == "help") {
      prefectd::print_help();
      return 0;
    }
    if (command == "--version" || command == "version") {
      prefectd::print_version();
      return 0;
    }
    if (command == "database") return prefectd::run_database({arguments.begin() + 1, arguments.end()});
    if (command == "plugins" || command == "backends") return prefectd::run_plugins();
    std::fprintf(stderr, "error: unknown command '%s'; see prefectd --help\n", command.c_str());
    return prefectd::kExitUsage;
  } catch (const prefectd::StartupError &error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return error.exit_code();
  } catch (const std::exception &error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
}
