// GET /collections/views/{view}: the collection registry views, served from
// the JSON files under host/api/collections/ embedded at build time (see the
// README there for why prefectd does not proxy the registry).
#include "api/error_responses.h"
#include "api/router.h"
#include "routes.h"

#include <string_view>

namespace prefectd {

std::string_view collections_view_worker_metadata();
std::string_view collections_view_block_metadata();
std::string_view collections_view_flow_metadata();
std::string_view collections_view_demo_flows();

namespace {

struct View {
  std::string_view name;
  std::string_view (*text)();
};

constexpr View kViews[] = {
    {"aggregate-block-metadata", collections_view_block_metadata},
    {"aggregate-flow-metadata", collections_view_flow_metadata},
    {"aggregate-worker-metadata", collections_view_worker_metadata},
    {"demo-flows", collections_view_demo_flows},
};

HttpResponse read_view(const RouteCall &call) {
  const std::string &view = call.path.at("view");
  for (const View &known : kViews) {
    if (known.name == view) return {200, std::string(known.text())};
  }
  throw_detail(404, "View " + view + " not found in registry");
}

}  // namespace

void register_collections_routes(Router &router) {
  router.add({"GET", "/collections/views/{view}", read_view, Execution::Inline});
}

}  // namespace prefectd
