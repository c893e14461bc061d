// Prefect's routing rules: exact paths, `{name}` and `{name:uuid}` segments
// (a non-UUID there is 404, not 422), 405 when only the method differs, and
// Starlette's trailing-slash redirect (307).
#pragma once

#include "core/uuid.h"
#include "http_types.h"

#include <rapidjson/document.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

struct ServerContext;
class RequestValidator;
class WebSocketSession;

using PathParameters = std::map<std::string, std::string, std::less<>>;

// What a handler gets. `body` and `query` have passed the route's OpenAPI
// operation (see docs/architecture.md, "Request validation"): types are the
// schema's (lax input already coerced), defaults are filled in, and a member
// is present only when the client sent it or the schema has a default.
struct RouteCall {
  const HttpRequest &request;
  const PathParameters &path;
  const rapidjson::Value &body;   // Null when the operation takes no body (or an optional one was not sent)
  const rapidjson::Value &query;  // an object: declared query parameters by name
  ServerContext &server;
};

// The route's `{id:uuid}` segment; the router matched it only as a UUID.
Uuid path_id(const RouteCall &call);

using RouteHandler = std::function<HttpResponse(const RouteCall &)>;

// Where a handler runs. Handlers that touch the database must not run on a
// reactor thread, where they would stall every connection it serves.
enum class Execution { Inline, DatabaseWorker };

// How a request is checked before its handler runs.
enum class RequestValidation {
  // Against the route's operation in Prefect's OpenAPI document, body
  // defaults filled in. Registering a route the document lacks is an error.
  FromContract,
  // The same, but the body keeps only what was sent: for updates that
  // apply the fields set (Prefect's model_dump(exclude_unset=True)).
  FromContractKeepingUnset,
  // None: prefectd's own routes, absent from the contract.
  None,
};

struct Route {
  std::string method;
  std::string pattern;  // relative to the API mount, e.g. "/flows/{id:uuid}"
  RouteHandler handler;
  Execution execution = Execution::DatabaseWorker;
  // False for /health and /version, which sit outside Prefect's routers and
  // ignore X-PREFECT-API-VERSION.
  bool checks_api_version = true;
  RequestValidation validation = RequestValidation::FromContract;
  // Rewrites a body as older clients send it into the contract's shape,
  // before validation (empty: none).
  std::function<std::string(const std::string &body)> upgrade_body = nullptr;
};

// A websocket route (api-surface.md §3.1): not in the OpenAPI document, no
// body validation; `open` makes the session for one accepted connection and
// runs on a reactor thread, so it must not touch the database.
using WebSocketOpener = std::function<std::unique_ptr<WebSocketSession>(ServerContext &, const PathParameters &)>;
struct WebSocketRoute {
  std::string pattern;  // relative to the API mount, e.g. "/events/in"
  WebSocketOpener open;
};

class Router {
 public:
  explicit Router(std::string mount = "/api");

  void add(Route route);

  enum class Outcome { Matched, NotFound, MethodNotAllowed, Redirect };
  struct Match {
    Outcome outcome = Outcome::NotFound;
    const Route *route = nullptr;
    const RequestValidator *validator = nullptr;  // for Matched; null when the route validates nothing
    PathParameters parameters;
    std::string redirect_path;  // for Redirect
  };
  Match match(std::string_view method, std::string_view path) const;

  void add_websocket(WebSocketRoute route);
  struct WebSocketMatch {
    const WebSocketRoute *route = nullptr;  // null: no websocket is served there
    PathParameters parameters;
  };
  WebSocketMatch match_websocket(std::string_view path) const;

  const std::string &mount() const { return mount_; }
  const std::vector<std::unique_ptr<Route>> &routes() const { return routes_; }

 private:
  struct Segment {
    enum class Kind { Literal, Any, Uuid } kind;
    std::string text;  // literal text or parameter name
  };
  struct CompiledRoute {
    const Route *route;
    std::vector<Segment> segments;
    // Built once at registration from the route's RequestValidation.
    std::shared_ptr<const RequestValidator> validator;
  };
  struct CompiledWebSocketRoute {
    const WebSocketRoute *route;
    std::vector<Segment> segments;
  };
  static std::vector<Segment> compile(const std::string &pattern);
  // The path below the mount as segments; nullopt when outside the mount.
  std::optional<std::vector<std::string_view>> relative_parts(std::string_view path) const;
  // Fills parameters and returns true when `path` fits the segments.
  static bool fits(const std::vector<Segment> &segments, const std::vector<std::string_view> &parts,
                   PathParameters &parameters);
  // Which routes fit the path, regardless of method.
  std::vector<const CompiledRoute *> candidates(std::string_view path, PathParameters &parameters) const;

  std::string mount_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<CompiledRoute> compiled_;
  std::vector<std::unique_ptr<WebSocketRoute>> websocket_routes_;
  std::vector<CompiledWebSocketRoute> compiled_websockets_;
};

}  // namespace prefectd
