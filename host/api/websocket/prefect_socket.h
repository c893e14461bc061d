// Prefect's websocket handshake (accept_prefect_socket, api-surface.md §3.1).
// A client that offers the `prefect` subprotocol is accepted with it and
// must first send {"type": "auth", "token": ...}; the server checks the
// token against PREFECT_SERVER_API_AUTH_STRING when one is set, answers
// {"type": "auth_success"} and only then hands the socket to the route.
// A client without the subprotocol gets the route at once (legacy mode),
// unless an auth string is set, in which case it is refused before the
// upgrade.
#pragma once

#include "api/http_types.h"
#include "websocket_session.h"

#include <memory>
#include <optional>
#include <string>

namespace prefectd {

struct WebSocketAcceptance {
  std::optional<HttpResponse> refusal;     // answer over HTTP instead of upgrading
  std::optional<std::string> subprotocol;  // echoed in the 101 answer
  std::unique_ptr<WebSocketSession> session;
};

// How Prefect's route would accept `route_session` for `request`, given the
// server's auth string (nullopt when none is configured).
WebSocketAcceptance accept_prefect_socket(const HttpRequest &request, std::unique_ptr<WebSocketSession> route_session,
                                          const std::optional<std::string> &auth_string);

}  // namespace prefectd
