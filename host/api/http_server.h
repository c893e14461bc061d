// The HTTP transport: Pistache reactor threads parse requests and write
// responses; handlers that touch the database run on a worker pool sized to
// the connection pool, so a slow query never stalls a reactor thread and the
// other connections it serves (docs/architecture.md).
#pragma once

#include "http_types.h"
#include "request_dispatcher.h"
#include "worker_pool.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace Pistache::Http {
class Endpoint;
class Request;
class ResponseWriter;
}  // namespace Pistache::Http

namespace prefectd {

class WebSocketKeepAlive;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 4200;
  int reactor_threads = 2;
  size_t database_workers = 15;
  size_t max_request_bytes = 16 * 1024 * 1024;
  // Websocket keep-alive pings; zero turns them off.
  std::chrono::milliseconds websocket_ping_interval{20000};
  std::chrono::milliseconds websocket_ping_timeout{20000};
};

class HttpServer {
 public:
  HttpServer(const RequestDispatcher &dispatcher, HttpServerOptions options);
  HttpServer(const HttpServer &) = delete;
  HttpServer &operator=(const HttpServer &) = delete;
  ~HttpServer();

  // Binds and serves on background threads; throws when it cannot bind.
  void start();
  // Answers new requests 503 + Connection: close and waits up to `grace`
  // for in-flight ones; returns how many were still running at the end.
  int drain(std::chrono::milliseconds grace);
  // Stops the reactor and the workers.
  void stop();

  int port() const;
  void on_request(const Pistache::Http::Request &request, Pistache::Http::ResponseWriter writer);

 private:
  void accept_websocket(const HttpRequest &request, Pistache::Http::ResponseWriter writer);

  const RequestDispatcher &dispatcher_;
  HttpServerOptions options_;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<WebSocketKeepAlive> keep_alive_;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
};

}  // namespace prefectd
