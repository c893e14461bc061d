// Turns a request into a response: routing, the API-version header check,
// the handler, and mapping of failures to Prefect's error shapes. Knows
// nothing of sockets, so tests and any transport can use it.
#pragma once

#include "http_types.h"
#include "router.h"
#include "websocket/prefect_socket.h"

namespace prefectd {

class RequestDispatcher {
 public:
  RequestDispatcher(const Router &router, ServerContext &context) : router_(router), context_(context) {}

  // Where the request's handler must run; unknown routes answer inline.
  Execution execution_for(const HttpRequest &request) const;
  // Never throws.
  HttpResponse dispatch(const HttpRequest &request) const;
  // For an upgrade request (is_websocket_upgrade): the session to run on the
  // socket, or the HTTP answer that refuses it. Never throws.
  WebSocketAcceptance accept_websocket(const HttpRequest &request) const;

 private:
  // The route's answer, before response compression.
  HttpResponse route(const HttpRequest &request) const;

  const Router &router_;
  ServerContext &context_;
};

}  // namespace prefectd
