// Server-side keep-alive of open websockets (PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL
// and _PING_TIMEOUT, uvicorn's ws_ping_interval and ws_ping_timeout): a
// client gone without a word (no FIN, no RST) is pinged and, when nothing
// comes back, dropped, so its connection does not stay open for ever.
// One thread; connections are watched by weak reference and forgotten
// when they end.
#pragma once

#include "websocket_connection.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace prefectd {

class WebSocketKeepAlive {
 public:
  // Starts the thread; an interval of zero or less keeps nothing alive.
  WebSocketKeepAlive(std::chrono::milliseconds interval, std::chrono::milliseconds timeout);
  WebSocketKeepAlive(const WebSocketKeepAlive &) = delete;
  WebSocketKeepAlive &operator=(const WebSocketKeepAlive &) = delete;
  ~WebSocketKeepAlive();

  void watch(const std::shared_ptr<WebSocketConnection> &connection);
  void stop();

 private:
  void run();

  std::chrono::milliseconds interval_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::weak_ptr<WebSocketConnection>> connections_;
  std::thread thread_;
};

}  // namespace prefectd
