// A consumer of the event bus that writes what it keeps in batches, the
// shape of Prefect's task run recorder and event persister: a batch is
// written as soon as BATCH_SIZE events wait, whatever waits is written every
// FLUSH_INTERVAL, and an event whose write keeps failing is dropped after
// MAX_RETRIES more attempts. One thread, started by serve and joined on stop.
#pragma once

#include "events/event_bus.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace prefectd {

struct BatchOptions {
  size_t batch_size = 1;
  std::chrono::milliseconds flush_interval{5000};
  int max_retries = 5;
  size_t queue_capacity = 0;  // 0: unbounded
};

class BatchedEventConsumer {
 public:
  using Keep = std::function<bool(const ReceivedEvent &)>;
  // Throws when the batch could not be written.
  using Write = std::function<void(const std::vector<const ReceivedEvent *> &)>;

  // Subscribes at once, so no event published after construction is missed.
  BatchedEventConsumer(std::string name, EventBus &bus, BatchOptions options, Keep keep, Write write);
  BatchedEventConsumer(const BatchedEventConsumer &) = delete;
  BatchedEventConsumer &operator=(const BatchedEventConsumer &) = delete;
  ~BatchedEventConsumer();

  void start();
  // Writes what still waits (one attempt), then joins the thread.
  void stop();

 private:
  struct Pending {
    SharedEvent event;
    int failed_attempts = 0;
  };

  void run();
  // Tries to write one batch of what waits; returns how many events it took
  // (those that failed are requeued at the back).
  size_t flush_batch();

  std::string name_;
  BatchOptions options_;
  Keep keep_;
  Write write_;
  std::shared_ptr<EventSubscription> subscription_;
  std::vector<Pending> pending_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace prefectd
