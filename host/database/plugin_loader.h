// Finding and loading the backend plugin that claims a URL scheme.
#pragma once

#include <prefectd/backend.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace prefectd {

class Settings;

// A one-line message saying what failed and what to do about it.
class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SearchPathEntry {
  std::filesystem::path path;
  bool explicit_entry;  // from PREFECTD_PLUGIN_PATH: a library named there must load
};

// PREFECTD_PLUGIN_PATH entries, then the install directory, then the build
// tree (unless built with PREFECTD_SEARCH_BUILD_TREE_PLUGINS=OFF, as packages are).
std::vector<SearchPathEntry> plugin_search_path(const Settings &settings);

// A dlopen'ed backend library. Unloads on destruction, so it must outlive
// every database opened through it.
class LoadedBackend {
 public:
  const pd_backend &descriptor() const { return *descriptor_; }
  const std::filesystem::path &path() const { return path_; }

 private:
  friend class PluginCatalog;
  struct Unloader {
    void operator()(void *handle) const;
  };
  std::unique_ptr<void, Unloader> handle_;
  const pd_backend *descriptor_ = nullptr;
  std::filesystem::path path_;
};

// What was found at one place of the search path.
struct PluginCandidate {
  std::filesystem::path path;
  bool explicit_entry = false;
  std::string problem;  // empty when the plugin is usable
  std::string name;
  std::string version;
  int abi_major = 0;
  int abi_minor = 0;
  std::vector<std::string> schemes;
  std::shared_ptr<LoadedBackend> backend;  // set when usable
};

class PluginCatalog {
 public:
  // Loads every candidate library on the search path to read its descriptor.
  PluginCatalog(const std::vector<SearchPathEntry> &search_path, const pd_host_services *host);

  const std::vector<PluginCandidate> &candidates() const { return candidates_; }

  // The backend claiming `scheme` ("postgresql") or `scheme+driver`;
  // throws PluginLoadError when none can be used.
  std::shared_ptr<LoadedBackend> backend_for(const std::string &scheme, const std::string &driver) const;

 private:
  PluginCandidate inspect(const std::filesystem::path &path, bool explicit_entry, const pd_host_services *host);
  std::vector<PluginCandidate> candidates_;
  std::vector<SearchPathEntry> search_path_;
};

}  // namespace prefectd
