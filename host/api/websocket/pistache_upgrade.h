// Hands a Pistache HTTP connection over to a websocket after its upgrade
// request, on the same port (clients derive ws://host:port/api/... from
// PREFECT_API_URL). Pistache 0.0.5 has no websocket support, so this works
// through the one per-connection input path it has: the request parser it
// keeps in the peer's data. The parser's steps are replaced by one that
// passes every byte to the websocket, so the connection is no longer parsed
// as HTTP and Pistache's idle and header timeouts (which key on the step)
// no longer apply to it. Everything here runs on the peer's reactor thread.
#pragma once

#include "websocket_connection.h"
#include "websocket_session.h"

#include <memory>
#include <string>

namespace Pistache::Tcp {
class Peer;
}

namespace prefectd {

// Writes `switching_response` (the 101 answer) and runs `session` on the
// connection from then on. Call from the handler of the upgrade request.
// The peer owns the connection; the caller may watch it (keep-alive).
std::shared_ptr<WebSocketConnection> upgrade_to_websocket(const std::shared_ptr<Pistache::Tcp::Peer> &peer,
                                                          const std::string &switching_response,
                                                          std::unique_ptr<WebSocketSession> session,
                                                          size_t max_message_bytes);

// Pistache reports that the connection is gone (its file descriptor is
// closed and may be reused): a pending close must not touch it any more.
void forget_websocket(const std::shared_ptr<Pistache::Tcp::Peer> &peer);

}  // namespace prefectd
