// The backends a suite runs against, and a scratch database on each that
// the test owns alone (so suites can run in parallel, even migrations).
#pragma once

#include "database/database_interface.h"
#include "database/host_services.h"
#include "settings/settings.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace prefectd::testing_support {

// Names parameterised tests by backend ("Backends/Suite.Test/sqlite").
std::string backend_test_name(const ::testing::TestParamInfo<std::string> &info);

// "sqlite" always; "postgres" too (tests skip it when no server was given,
// and fail when PREFECTD_TEST_REQUIRE_POSTGRES=1 says one must be there).
std::vector<std::string> backend_names();

// Calls GTEST_SKIP or fails as above when `backend` cannot run here; use
// with `if (skip_unless_available(name)) return;` at the top of a test.
bool unavailable(const std::string &backend);

// Settings from the environment, loaded once.
const Settings &test_settings();

// A database of its own: a fresh SQLite file, or a freshly created
// PostgreSQL database on the test server; removed on destruction.
class ScratchDatabase {
 public:
  explicit ScratchDatabase(const std::string &backend);
  ScratchDatabase(const ScratchDatabase &) = delete;
  ScratchDatabase &operator=(const ScratchDatabase &) = delete;
  ~ScratchDatabase();

  const std::string &url() const { return url_; }
  // Opens the database through its plugin, as the server does.
  std::unique_ptr<DatabaseInterface> open() const;
  std::shared_ptr<LoadedBackend> plugin() const { return backend_; }

 private:
  std::string backend_name_;
  std::string url_;
  std::string sqlite_path_;
  std::shared_ptr<LoadedBackend> backend_;
};

// A test parameterised by backend name that owns an opened scratch
// database; skipped (or failed, per the rules above) where the backend
// cannot run.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<DatabaseInterface> database_;
};

}  // namespace prefectd::testing_support
