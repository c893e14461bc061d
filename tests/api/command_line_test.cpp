// prefectd's command line: help, version, plugin loading failures (each a
// non-zero exit and one line that says what to do), database commands.
#include "support/backends.h"
#include "support/prefectd_process.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#ifndef PREFECTD_FIXTURE_DIR
#error "PREFECTD_FIXTURE_DIR must name the directory of the fixture plugins"
#endif

namespace prefectd {
namespace {

using namespace testing_support;

size_t line_count(const std::string &text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string fixture(const std::string &name) {
  return std::string(PREFECTD_FIXTURE_DIR) + "/" + name;
}

TEST(CommandLine, VersionNamesThePluginAbi) {
  CommandResult result = run_prefectd({"--version"}, {});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.output.find("plugin ABI 1.1"), std::string::npos) << result.output;
}

TEST(CommandLine, HelpListsEverySettingItReadsWithDefaults) {
  CommandResult result = run_prefectd({"--help"}, {});
  EXPECT_EQ(result.exit_code, 0);
  for (const char *setting :
       {"PREFECT_SERVER_DATABASE_CONNECTION_URL", "PREFECT_SERVER_API_HOST", "PREFECT_SERVER_API_PORT",
        "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW",
        "PREFECT_SERVER_DATABASE_TIMEOUT", "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT",
        "PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "PREFECT_TESTING_UNIT_TEST_MODE", "PREFECTD_PLUGIN_PATH",
        "PREFECTD_SHUTDOWN_GRACE_SECONDS", "PREFECT_SQLALCHEMY_POOL_SIZE", "PREFECT_API_DATABASE_CONNECTION_URL"}) {
    EXPECT_NE(result.output.find(setting), std::string::npos) << setting;
  }
  EXPECT_NE(result.output.find("default: 4200"), std::string::npos);
}

TEST(CommandLine, MissingPluginLibraryIsOneActionableLine) {
  CommandResult result = run_prefectd({"serve"}, {{"PREFECTD_PLUGIN_PATH", "/nonexistent/libprefectd-backend-x.so"}});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(line_count(result.output), 1u) << result.output;
  EXPECT_NE(result.output.find("does not exist"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("PREFECTD_PLUGIN_PATH"), std::string::npos) << result.output;
}

TEST(CommandLine, WrongAbiMajorIsRefused) {
  CommandResult result = run_prefectd({"serve"}, {{"PREFECTD_PLUGIN_PATH", fixture("libprefectd-backend-future.so")}});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(line_count(result.output), 1u) << result.output;
  EXPECT_NE(result.output.find("plugin ABI 99.0 but this prefectd speaks ABI 1.1"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("rebuild"), std::string::npos) << result.output;
}

TEST(CommandLine, WrongAbiPluginClaimingTheSchemeInADirectoryIsRefused) {
  CommandResult result = run_prefectd({"serve"}, {{"PREFECTD_PLUGIN_PATH", fixture("future")}});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_NE(result.output.find("claims 'sqlite+aiosqlite' but was built for plugin ABI 99.0"), std::string::npos)
      << result.output;
}

TEST(CommandLine, LibraryWithoutEntrySymbolIsRefused) {
  CommandResult result = run_prefectd({"serve"}, {{"PREFECTD_PLUGIN_PATH", fixture("libprefectd-backend-noentry.so")}});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(line_count(result.output), 1u) << result.output;
  EXPECT_NE(result.output.find("exports no prefectd_backend_entry symbol"), std::string::npos) << result.output;
}

TEST(CommandLine, UnclaimedSchemeListsTheInstalledOnes) {
  CommandResult result = run_prefectd({"serve"}, {{"PREFECT_SERVER_DATABASE_CONNECTION_URL", "mysql://u@h/db"}});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(line_count(result.output), 1u) << result.output;
  EXPECT_NE(result.output.find("no backend plugin claims the database URL scheme 'mysql'"), std::string::npos);
  EXPECT_NE(result.output.find("installed schemes: postgres, postgresql, postgresql+asyncpg, sqlite, sqlite+aiosqlite"),
            std::string::npos)
      << result.output;
}

TEST(CommandLine, MalformedUrlIsASettingsError) {
  CommandResult result =
      run_prefectd({"serve"}, {{"PREFECT_SERVER_DATABASE_CONNECTION_URL", "postgresql://u:secret@h:port/db"}});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(line_count(result.output), 1u) << result.output;
  EXPECT_EQ(result.output.find("secret"), std::string::npos) << "password leaked: " << result.output;
}

TEST(CommandLine, PluginsListsWhatWasFoundAndWhy) {
  CommandResult result = run_prefectd({"plugins"}, {{"PREFECTD_PLUGIN_PATH", fixture("future")}});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("libprefectd-backend-sqlite.so"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("libprefectd-backend-postgres.so"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("schemes: sqlite, sqlite+aiosqlite"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("rejected: was built for plugin ABI 99.0"), std::string::npos) << result.output;
}

class DatabaseCommands : public testing::TestWithParam<std::string> {};

TEST_P(DatabaseCommands, UpgradeDowngradeResetAndCurrent) {
  if (unavailable(GetParam())) GTEST_SKIP() << GetParam() << " server not configured";
  ScratchDatabase scratch(GetParam());
  std::map<std::string, std::string> environment{{"PREFECT_SERVER_DATABASE_CONNECTION_URL", scratch.url()}};
  std::string head = GetParam() == "sqlite" ? "f416ea180ae1" : "9e9dadc36797";
  EXPECT_EQ(run_prefectd({"database", "current"}, environment).output, "base\n");
  CommandResult upgrade = run_prefectd({"database", "upgrade"}, environment);
  EXPECT_EQ(upgrade.exit_code, 0) << upgrade.output;
  EXPECT_EQ(run_prefectd({"database", "current"}, environment).output, head + "\n");
  CommandResult downgrade = run_prefectd({"database", "downgrade", "-r", "base"}, environment);
  EXPECT_EQ(downgrade.exit_code, 0) << downgrade.output;
  EXPECT_EQ(run_prefectd({"database", "current"}, environment).output, "base\n");
  CommandResult refused = run_prefectd({"database", "reset"}, environment);
  EXPECT_EQ(refused.exit_code, 2) << "reset without -y and without a terminal must refuse";
  CommandResult reset = run_prefectd({"database", "reset", "-y"}, environment);
  EXPECT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_EQ(run_prefectd({"database", "current"}, environment).output, head + "\n");
}

TEST_P(DatabaseCommands, NoMigrationOnStartWhenDisabled) {
  if (unavailable(GetParam())) GTEST_SKIP() << GetParam() << " server not configured";
  ScratchDatabase scratch(GetParam());
  std::map<std::string, std::string> environment{{"PREFECT_SERVER_DATABASE_CONNECTION_URL", scratch.url()},
                                                 {"PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "false"}};
  {
    ServerProcess server(environment);
    server.stop(SIGTERM, std::chrono::seconds(15));
  }
  EXPECT_EQ(run_prefectd({"database", "current"}, environment).output, "base\n");
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseCommands, testing::ValuesIn(backend_names()),
                         testing_support::backend_test_name);

}  // namespace
}  // namespace prefectd

namespace prefectd {
namespace {

TEST(CommandLine, RevisionAddsAnEmptyMigrationPairForEveryDialect) {
  auto root = std::filesystem::temp_directory_path() / ("prefectd_revision_" + std::to_string(getpid()));
  for (const char *dialect : {"sqlite", "postgres"}) {
    std::filesystem::create_directories(root / dialect / "migrations");
    std::ofstream(root / dialect / "migrations" / "0001_abc_first.up.sql") << "-- first\n";
  }
  testing_support::CommandResult result =
      testing_support::run_prefectd({"database", "revision", "-m", "add index on x", "--sql-dir", root.string()}, {});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  for (const char *dialect : {"sqlite", "postgres"}) {
    std::vector<std::string> names;
    for (const auto &file : std::filesystem::directory_iterator(root / dialect / "migrations")) {
      names.push_back(file.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    ASSERT_EQ(names.size(), 3u) << dialect;
    EXPECT_TRUE(std::regex_match(names[1], std::regex(R"(0002_[0-9a-f]{12}_add_index_on_x\.down\.sql)"))) << names[1];
    EXPECT_TRUE(std::regex_match(names[2], std::regex(R"(0002_[0-9a-f]{12}_add_index_on_x\.up\.sql)"))) << names[2];
  }
  std::filesystem::remove_all(root);
  EXPECT_EQ(testing_support::run_prefectd({"database", "revision"}, {}).exit_code, 2) << "needs -m";
}

}  // namespace
}  // namespace prefectd

namespace prefectd {
namespace {

TEST(CommandLine, PluginBuiltAgainstTheFrozenFirstHeaderStillLoads) {
  testing_support::CommandResult result = testing_support::run_prefectd(
      {"plugins"}, {{"PREFECTD_PLUGIN_PATH", std::string(PREFECTD_FIXTURE_DIR) + "/frozen-1.0"}});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  auto at = result.output.find("frozen-1.0/libprefectd-backend-example.so");
  ASSERT_NE(at, std::string::npos) << result.output;
  EXPECT_NE(result.output.find("ABI: 1.0  schemes: example\n  status: usable", at), std::string::npos) << result.output;
  // And it is the plugin asked to open an example:// database.
  testing_support::CommandResult opened = testing_support::run_prefectd(
      {"serve"}, {{"PREFECTD_PLUGIN_PATH", std::string(PREFECTD_FIXTURE_DIR) + "/frozen-1.0"},
                  {"PREFECT_SERVER_DATABASE_CONNECTION_URL", "example://anything"}});
  EXPECT_EQ(opened.exit_code, 5) << opened.output;
  EXPECT_NE(opened.output.find("only shows the plugin structure"), std::string::npos) << opened.output;
}

}  // namespace
}  // namespace prefectd

namespace prefectd {
namespace {

TEST(CommandLine, SqliteOlderThan3_24IsRefusedNamingBothVersions) {
  testing_support::CommandResult result = testing_support::run_prefectd(
      {"serve"}, {{"LD_PRELOAD", std::string(PREFECTD_FIXTURE_DIR) + "/libfixture_old_sqlite_version.so"},
                  {"PREFECT_SERVER_DATABASE_CONNECTION_URL", "sqlite+aiosqlite:///:memory:"}});
  EXPECT_EQ(result.exit_code, 5) << result.output;
  EXPECT_NE(result.output.find("SQLite 3.22.0 is too old: prefectd needs 3.24.0 or newer"), std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace prefectd
