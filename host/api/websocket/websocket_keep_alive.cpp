#include "websocket_keep_alive.h"

#include <algorithm>

namespace prefectd {

WebSocketKeepAlive::WebSocketKeepAlive(std::chrono::milliseconds interval, std::chrono::milliseconds timeout)
    : interval_(interval), timeout_(timeout) {
  if (interval_.count() > 0) thread_ = std::thread([this] { run(); });
}

WebSocketKeepAlive::~WebSocketKeepAlive() {
  stop();
}

void WebSocketKeepAlive::watch(const std::shared_ptr<WebSocketConnection> &connection) {
  if (interval_.count() <= 0) return;
  std::lock_guard lock(mutex_);
  connections_.push_back(connection);
}

void WebSocketKeepAlive::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WebSocketKeepAlive::run() {
  // Checked a few times per period, so a ping and its timeout are late by
  // a fraction of them at most.
  const auto tick = std::max(std::min(interval_, timeout_) / 4, std::chrono::milliseconds(10));
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, tick, [this] { return stopping_; })) {
    std::vector<std::shared_ptr<WebSocketConnection>> live;
    std::erase_if(connections_, [&live](const std::weak_ptr<WebSocketConnection> &watched) {
      auto connection = watched.lock();
      if (!connection) return true;
      live.push_back(std::move(connection));
      return false;
    });
    lock.unlock();
    const auto now = std::chrono::steady_clock::now();
    for (const auto &connection : live) connection->keep_alive(now, interval_, timeout_);
    lock.lock();
  }
}

}  // namespace prefectd
