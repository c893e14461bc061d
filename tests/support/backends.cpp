#include "backends.h"

#include "database/database_error.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

namespace prefectd::testing_support {
namespace {

std::optional<std::string> environment(const char *name) {
  const char *value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

const HostServices &host_services() {
  static HostServices services(test_settings());
  return services;
}

std::shared_ptr<LoadedBackend> load_backend(const DatabaseUrl &url) {
  static PluginCatalog catalog(plugin_search_path(test_settings()), host_services().get());
  return catalog.backend_for(url.scheme, url.driver.value_or(""));
}

std::string unique_suffix() {
  static std::atomic<int> counter{0};
  return std::to_string(getpid()) + "_" + std::to_string(counter++);
}

}  // namespace

std::string backend_test_name(const ::testing::TestParamInfo<std::string> &info) {
  return info.param;
}

std::vector<std::string> backend_names() {
  return {"sqlite", "postgres"};
}

bool unavailable(const std::string &backend) {
  if (backend != "postgres" || environment("PREFECTD_TEST_POSTGRES_URL")) return false;
  if (environment("PREFECTD_TEST_REQUIRE_POSTGRES")) {
    ADD_FAILURE() << "PREFECTD_TEST_REQUIRE_POSTGRES is set but PREFECTD_TEST_POSTGRES_URL is not";
  }
  return true;
}

const Settings &test_settings() {
  static Settings settings = Settings::from_environment();
  return settings;
}

ScratchDatabase::ScratchDatabase(const std::string &backend) : backend_name_(backend) {
  if (backend == "sqlite") {
    sqlite_path_ = (std::filesystem::temp_directory_path() / ("prefectd_test_" + unique_suffix() + ".db")).string();
    url_ = "sqlite+aiosqlite:///" + sqlite_path_;
  } else {
    std::string base = *environment("PREFECTD_TEST_POSTGRES_URL");
    // Same server and credentials, a database of this test's own.
    url_ = base.substr(0, base.rfind('/') + 1) + "prefectd_test_" + unique_suffix();
  }
  DatabaseUrl url = DatabaseUrl::parse(url_);
  backend_ = load_backend(url);
  if (backend == "postgres") {
    AbiDatabaseUrl abi(url);
    pd_error error{};
    check(backend_->descriptor().configuration->xCreateDatabase(abi.get(), &error), error);
  }
}

ScratchDatabase::~ScratchDatabase() {
  if (backend_name_ == "sqlite") {
    for (const char *suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(sqlite_path_ + suffix);
    return;
  }
  DatabaseUrl url = DatabaseUrl::parse(url_);
  AbiDatabaseUrl abi(url);
  pd_error error{};
  if (backend_->descriptor().configuration->xDropDatabase(abi.get(), &error) != PD_OK) {
    std::fprintf(stderr, "warning: could not drop %s: %s\n", url.redacted().c_str(), error.message);
  }
}

std::unique_ptr<DatabaseInterface> ScratchDatabase::open() const {
  return std::make_unique<DatabaseInterface>(backend_, DatabaseUrl::parse(url_));
}

void BackendTest::SetUp() {
  if (unavailable(GetParam())) GTEST_SKIP() << GetParam() << " server not configured";
  scratch_ = std::make_unique<ScratchDatabase>(GetParam());
  database_ = scratch_->open();
}

void BackendTest::TearDown() {
  database_.reset();  // close the pool before the database is dropped
  scratch_.reset();
}

}  // namespace prefectd::testing_support
