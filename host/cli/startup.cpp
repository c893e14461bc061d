#include "startup.h"

#include "database/database_error.h"
#include "database/plugin_loader.h"
#include "logging/logging.h"

#include <spdlog/spdlog.h>

namespace prefectd {

Runtime load_settings() {
  Runtime runtime;
  runtime.settings = std::make_unique<Settings>(Settings::from_environment());
  try {
    configure_logging(*runtime.settings);
  } catch (const std::exception &error) {
    throw StartupError(kExitSettings, error.what());
  }
  runtime.host_services = std::make_unique<HostServices>(*runtime.settings);
  return runtime;
}

Runtime open_database() {
  Runtime runtime = load_settings();
  const auto &url_text = runtime.settings->text("PREFECT_SERVER_DATABASE_CONNECTION_URL");
  if (!url_text) {
    throw StartupError(kExitSettings,
                       "no database URL: set PREFECT_SERVER_DATABASE_CONNECTION_URL (or PREFECT_SERVER_DATABASE_HOST, "
                       "_USER and _NAME with PREFECT_SERVER_DATABASE_DRIVER)");
  }
  DatabaseUrl url;
  try {
    url = DatabaseUrl::parse(*url_text);
  } catch (const DatabaseUrlError &error) {
    throw StartupError(kExitSettings, std::string(error.what()) + "; fix PREFECT_SERVER_DATABASE_CONNECTION_URL");
  }
  std::shared_ptr<LoadedBackend> backend;
  try {
    PluginCatalog catalog(plugin_search_path(*runtime.settings), runtime.host_services->get());
    backend = catalog.backend_for(url.scheme, url.driver.value_or(""));
  } catch (const PluginLoadError &error) {
    throw StartupError(kExitPlugin, error.what());
  }
  const pd_backend &descriptor = backend->descriptor();
  spdlog::info("backend {} {} (plugin ABI {}.{}) from {}", descriptor.name, descriptor.version, descriptor.abi_major,
               descriptor.abi_minor, backend->path().string());
  try {
    runtime.database = std::make_unique<DatabaseInterface>(backend, url);
  } catch (const DatabaseError &error) {
    throw StartupError(kExitDatabase, "cannot open " + url.redacted() + ": " + error.what());
  }
  return runtime;
}

}  // namespace prefectd
