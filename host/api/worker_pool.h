// A fixed set of threads running posted jobs in order of arrival.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace prefectd {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads);
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;
  // Runs the jobs already queued, then joins.
  ~WorkerPool();

  void post(std::function<void()> job);
  size_t size() const { return threads_.size(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::jthread> threads_;
};

}  // namespace prefectd
