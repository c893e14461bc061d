#include "commands.h"
#include "database/migrations.h"
#include "startup.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>

namespace prefectd {
namespace {

// "-r REV" / "-m MSG" style option value, if present.
std::optional<std::string> option_value(const std::vector<std::string> &arguments, std::string_view short_name,
                                        std::string_view long_name) {
  for (size_t i = 0; i + 1 < arguments.size(); ++i) {
    if (arguments[i] == short_name || arguments[i] == long_name) return arguments[i + 1];
  }
  return std::nullopt;
}

bool has_flag(const std::vector<std::string> &arguments, std::string_view short_name, std::string_view long_name) {
  for (const auto &argument : arguments) {
    if (argument == short_name || argument == long_name) return true;
  }
  return false;
}

std::string new_revision_id() {
  std::random_device device;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 12; ++i) id.push_back(kDigits[device() % 16]);
  return id;
}

// Writes an empty up/down pair with the next sequence number into each
// dialect directory, so a schema change is made for every backend at once.
int create_revision(const std::vector<std::string> &arguments) {
  auto message = option_value(arguments, "-m", "--message");
  if (!message) {
    std::fprintf(stderr, "error: database revision needs -m MESSAGE\n");
    return kExitUsage;
  }
  std::filesystem::path sql_dir = option_value(arguments, "--sql-dir", "--sql-dir").value_or("sql");
  if (!std::filesystem::is_directory(sql_dir)) {
    std::fprintf(stderr, "error: %s is not a directory; run from the source tree or pass --sql-dir\n", sql_dir.c_str());
    return kExitUsage;
  }
  std::string slug = std::regex_replace(*message, std::regex("[^A-Za-z0-9]+"), "_");
  std::string revision = new_revision_id();
  for (const auto &dialect : std::filesystem::directory_iterator(sql_dir)) {
    std::filesystem::path migrations = dialect.path() / "migrations";
    if (!std::filesystem::is_directory(migrations)) continue;
    int next = 1;
    for (const auto &file : std::filesystem::directory_iterator(migrations)) {
      next = std::max(next, std::atoi(file.path().filename().c_str()) + 1);
    }
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%04d", next);
    std::string stem = std::string(prefix) + "_" + revision + "_" + slug;
    for (std::string_view direction : {"up", "down"}) {
      std::filesystem::path path = migrations / (stem + "." + std::string(direction) + ".sql");
      std::ofstream(path) << "-- " << *message << " (" << direction << ")\n";
      std::printf("created %s\n", path.c_str());
    }
  }
  return 0;
}

}  // namespace

int run_database(const std::vector<std::string> &arguments) {
  if (arguments.empty()) {
    std::fprintf(stderr, "error: database needs a command: upgrade, downgrade, reset, revision or current\n");
    return kExitUsage;
  }
  const std::string &command = arguments[0];
  if (command == "revision") return create_revision(arguments);

  Runtime runtime = open_database();
  MigrationRunner runner(*runtime.database);
  auto revision = option_value(arguments, "-r", "--revision");
  if (command == "upgrade") {
    int applied = runner.upgrade(revision);
    std::printf("applied %d migration(s); database at %s\n", applied, runner.current().value_or("base").c_str());
  } else if (command == "downgrade") {
    int reverted = runner.downgrade(revision);
    std::printf("reverted %d migration(s); database at %s\n", reverted, runner.current().value_or("base").c_str());
  } else if (command == "reset") {
    if (!has_flag(arguments, "-y", "--yes")) {
      if (!isatty(STDIN_FILENO)) {
        std::fprintf(stderr, "error: reset deletes all data; pass -y to confirm\n");
        return kExitUsage;
      }
      std::printf("Reset %s? This deletes all data. [y/N] ", runtime.database->redacted_url().c_str());
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "y" && answer != "Y") return 1;
    }
    int reverted = runner.downgrade(std::string("base"));
    int applied = runner.upgrade();
    std::printf("reverted %d and applied %d migration(s); database at %s\n", reverted, applied,
                runner.current().value_or("base").c_str());
  } else if (command == "current") {
    std::printf("%s\n", runner.current().value_or("base").c_str());
  } else {
    std::fprintf(stderr, "error: unknown database command '%s'\n", command.c_str());
    return kExitUsage;
  }
  return 0;
}

}  // namespace prefectd
