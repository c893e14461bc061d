// The task run recorder (services.md §1.4): a consumer of the event bus
// that writes the task runs and states 3.x clients report as events. One
// thread, started by serve and joined on stop. Events are written as soon
// as BATCH_SIZE of them wait (1 by default: at once), and whatever waits is
// written every FLUSH_INTERVAL seconds; an event whose write keeps failing
// is dropped after five retries.
#pragma once

#include "events/event_bus.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Settings;

struct TaskRunRecorderOptions {
  size_t batch_size = 1;
  std::chrono::milliseconds flush_interval{5000};
  int max_retries = 5;

  // PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE and _FLUSH_INTERVAL.
  static TaskRunRecorderOptions from(const Settings &settings);
};

class TaskRunRecorder {
 public:
  // Subscribes at once, so no event published after construction is missed.
  TaskRunRecorder(DatabaseInterface &database, EventBus &bus, TaskRunRecorderOptions options);
  TaskRunRecorder(const TaskRunRecorder &) = delete;
  TaskRunRecorder &operator=(const TaskRunRecorder &) = delete;
  ~TaskRunRecorder();

  void start();
  // Writes what still waits (one attempt), then joins the thread.
  void stop();

 private:
  struct Pending {
    SharedEvent event;
    int failed_attempts = 0;
  };

  void run();
  // Writes up to one batch of what waits; false when the write failed.
  bool flush_batch();

  DatabaseInterface &database_;
  TaskRunRecorderOptions options_;
  std::shared_ptr<EventSubscription> subscription_;
  std::vector<Pending> pending_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace prefectd
