// RFC 6455's opening handshake as seen by the server: recognising an upgrade
// request, the subprotocols it offers, and the 101 answer that accepts it.
// The framing after it is wslay's (websocket_connection.h).
#pragma once

#include "api/http_types.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

// True when the request asks to become a websocket (`Upgrade: websocket`),
// whatever else is wrong with it.
bool is_websocket_upgrade(const HttpRequest &request);

// The subprotocols of every Sec-WebSocket-Protocol header, trimmed, in the
// client's order.
std::vector<std::string> offered_subprotocols(const HttpRequest &request);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string websocket_accept_value(std::string_view client_key);

// The raw "101 Switching Protocols" response, `subprotocol` echoed when set.
std::string switching_protocols_response(std::string_view client_key, const std::optional<std::string> &subprotocol);

}  // namespace prefectd
