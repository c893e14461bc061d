// A background thread that runs one pass of a service every interval until
// stopped. A pass that throws is logged and the loop goes on, as Prefect's
// loop services do.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace prefectd {

class PeriodicLoop {
 public:
  PeriodicLoop(std::string name, std::chrono::milliseconds interval, std::function<void()> pass);
  PeriodicLoop(const PeriodicLoop &) = delete;
  PeriodicLoop &operator=(const PeriodicLoop &) = delete;
  ~PeriodicLoop();

  void start();
  // Wakes the thread and joins it; a pass under way finishes first.
  void stop();

 private:
  void run();

  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> pass_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace prefectd
