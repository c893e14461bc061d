#include "plugin_loader.h"

#include "settings/settings.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <system_error>

#ifndef PREFECTD_INSTALL_PLUGIN_DIR
#error "PREFECTD_INSTALL_PLUGIN_DIR must be defined by the build"
#endif

namespace prefectd {
namespace {

constexpr std::string_view kLibraryPrefix = "libprefectd-backend-";
constexpr std::string_view kLibrarySuffix = ".so";

bool looks_like_backend(const std::filesystem::path &path) {
  std::string name = path.filename().string();
  return name.starts_with(kLibraryPrefix) && name.ends_with(kLibrarySuffix);
}

std::string abi_text(int major, int minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string joined(const std::vector<std::string> &items, std::string_view separator) {
  std::string text;
  for (const std::string &item : items) {
    if (!text.empty()) text += separator;
    text += item;
  }
  return text;
}

}  // namespace

void LoadedBackend::Unloader::operator()(void *handle) const {
  if (handle != nullptr) dlclose(handle);
}

std::vector<SearchPathEntry> plugin_search_path(const Settings &settings) {
  std::vector<SearchPathEntry> entries;
  if (const auto &configured = settings.text("PREFECTD_PLUGIN_PATH")) {
    std::stringstream stream(*configured);
    std::string item;
    while (std::getline(stream, item, ':')) {
      if (!item.empty()) entries.push_back({item, true});
    }
  }
  entries.push_back({PREFECTD_INSTALL_PLUGIN_DIR, false});
#ifdef PREFECTD_BUILD_PLUGIN_DIR  // not in packages (PREFECTD_SEARCH_BUILD_TREE_PLUGINS=OFF)
  entries.push_back({PREFECTD_BUILD_PLUGIN_DIR, false});
#endif
  return entries;
}

PluginCatalog::PluginCatalog(const std::vector<SearchPathEntry> &search_path, const pd_host_services *host)
    : search_path_(search_path) {
  std::set<std::filesystem::path> seen;
  for (const SearchPathEntry &entry : search_path) {
    std::error_code error;
    if (std::filesystem::is_directory(entry.path, error)) {
      std::vector<std::filesystem::path> libraries;
      for (const auto &file : std::filesystem::directory_iterator(entry.path, error)) {
        if (looks_like_backend(file.path())) libraries.push_back(file.path());
      }
      std::sort(libraries.begin(), libraries.end());
      for (const auto &library : libraries) {
        auto canonical = std::filesystem::weakly_canonical(library, error);
        // Found by scanning: its problems matter only if it claims the scheme.
        if (seen.insert(canonical).second) candidates_.push_back(inspect(library, false, host));
      }
    } else if (entry.explicit_entry) {
      auto canonical = std::filesystem::weakly_canonical(entry.path, error);
      if (seen.insert(canonical).second) candidates_.push_back(inspect(entry.path, true, host));
    }
  }
}

PluginCandidate PluginCatalog::inspect(const std::filesystem::path &path, bool explicit_entry,
                                       const pd_host_services *host) {
  PluginCandidate candidate;
  candidate.path = path;
  candidate.explicit_entry = explicit_entry;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    candidate.problem = "the library does not exist";
    return candidate;
  }
  auto backend = std::make_shared<LoadedBackend>();
  backend->path_ = path;
  // RTLD_LOCAL keeps one plugin's database client symbols away from another's.
  backend->handle_.reset(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!backend->handle_) {
    const char *reason = dlerror();
    candidate.problem = std::string("cannot be loaded: ") + (reason != nullptr ? reason : "unknown dlopen error");
    return candidate;
  }
  void *symbol = dlsym(backend->handle_.get(), PD_BACKEND_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    candidate.problem =
        "exports no " + std::string(PD_BACKEND_ENTRY_SYMBOL) + " symbol, so it is not a prefectd backend";
    return candidate;
  }
  auto entry = reinterpret_cast<pd_backend_entry_fn>(symbol);
  const pd_backend *descriptor = entry(host);
  if (descriptor == nullptr || descriptor->struct_size < offsetof(pd_backend, configuration)) {
    candidate.problem = "returned no usable backend descriptor";
    return candidate;
  }
  // The frozen prefix is readable whatever the plugin's ABI major.
  candidate.name = descriptor->name != nullptr ? descriptor->name : "";
  candidate.version = descriptor->version != nullptr ? descriptor->version : "";
  candidate.abi_major = descriptor->abi_major;
  candidate.abi_minor = descriptor->abi_minor;
  for (const char *const *scheme = descriptor->schemes; scheme != nullptr && *scheme != nullptr; ++scheme) {
    candidate.schemes.emplace_back(*scheme);
  }
  if (descriptor->abi_major != PD_ABI_VERSION_MAJOR) {
    candidate.problem = "was built for plugin ABI " + abi_text(descriptor->abi_major, descriptor->abi_minor) +
                        " but this prefectd speaks ABI " + abi_text(PD_ABI_VERSION_MAJOR, PD_ABI_VERSION_MINOR);
    return candidate;
  }
  if (!PD_HAS_MEMBER(descriptor, pd_backend, orm) || descriptor->configuration == nullptr ||
      descriptor->query_components == nullptr || descriptor->orm == nullptr) {
    candidate.problem = "lacks one of the Configuration, QueryComponents or ORM vtables";
    return candidate;
  }
  backend->descriptor_ = descriptor;
  candidate.backend = std::move(backend);
  return candidate;
}

std::shared_ptr<LoadedBackend> PluginCatalog::backend_for(const std::string &scheme, const std::string &driver) const {
  // An explicitly listed library that cannot be used is always an error: the
  // operator asked for it, and silently using another would hide that.
  for (const PluginCandidate &candidate : candidates_) {
    if (candidate.explicit_entry && !candidate.problem.empty()) {
      std::string hint =
          candidate.problem == "the library does not exist"
              ? "fix PREFECTD_PLUGIN_PATH or install the backend package"
              : "rebuild the plugin against this prefectd's plugin-api headers or remove it from PREFECTD_PLUGIN_PATH";
      throw PluginLoadError("backend plugin " + candidate.path.string() + " " + candidate.problem + "; " + hint);
    }
  }
  std::string full = driver.empty() ? scheme : scheme + "+" + driver;
  for (const std::string &wanted : {full, scheme}) {
    for (const PluginCandidate &candidate : candidates_) {
      if (std::find(candidate.schemes.begin(), candidate.schemes.end(), wanted) == candidate.schemes.end()) continue;
      if (!candidate.problem.empty()) {
        throw PluginLoadError("backend plugin " + candidate.path.string() + " claims '" + wanted + "' but " +
                              candidate.problem +
                              "; rebuild it against this prefectd's plugin-api headers or remove it");
      }
      return candidate.backend;
    }
  }
  std::set<std::string> installed;
  for (const PluginCandidate &candidate : candidates_) {
    if (candidate.problem.empty()) installed.insert(candidate.schemes.begin(), candidate.schemes.end());
  }
  std::vector<std::string> searched;
  for (const SearchPathEntry &entry : search_path_) searched.push_back(entry.path.string());
  throw PluginLoadError("no backend plugin claims the database URL scheme '" + full + "'; installed schemes: " +
                        (installed.empty() ? std::string("none") : joined({installed.begin(), installed.end()}, ", ")) +
                        " (searched " + joined(searched, ":") +
                        "); install the matching prefectd backend package or set PREFECTD_PLUGIN_PATH");
}

}  // namespace prefectd
