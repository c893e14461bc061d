#include "periodic_loop.h"

#include <spdlog/spdlog.h>

namespace prefectd {

PeriodicLoop::PeriodicLoop(std::string name, std::chrono::milliseconds interval, std::function<void()> pass)
    : name_(std::move(name)), interval_(interval), pass_(std::move(pass)) {}

PeriodicLoop::~PeriodicLoop() {
  stop();
}

void PeriodicLoop::start() {
  thread_ = std::thread([this] { run(); });
}

void PeriodicLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicLoop::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) break;
    lock.unlock();
    try {
      pass_();
    } catch (const std::exception &error) {
      spdlog::warn("{}: pass failed: {}", name_, error.what());
    }
    lock.lock();
  }
}

}  // namespace prefectd
