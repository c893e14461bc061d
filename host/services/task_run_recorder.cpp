#include "task_run_recorder.h"

#include "models/recorded_task_runs.h"
#include "settings/settings.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace prefectd {

TaskRunRecorderOptions TaskRunRecorderOptions::from(const Settings &settings) {
  TaskRunRecorderOptions options;
  options.batch_size = static_cast<size_t>(
      std::max<int64_t>(1, settings.integer("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE")));
  options.flush_interval = std::chrono::milliseconds(
      static_cast<int64_t>(settings.number("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL") * 1000));
  return options;
}

TaskRunRecorder::TaskRunRecorder(DatabaseInterface &database, EventBus &bus, TaskRunRecorderOptions options)
    : database_(database), options_(options), subscription_(bus.subscribe("task run recorder")) {}

TaskRunRecorder::~TaskRunRecorder() {
  stop();
}

void TaskRunRecorder::start() {
  spdlog::info("task run recorder: batch size {}, flush every {} ms", options_.batch_size,
               options_.flush_interval.count());
  thread_ = std::thread([this] { run(); });
}

void TaskRunRecorder::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  subscription_->close();
  thread_.join();
}

void TaskRunRecorder::run() {
  using Clock = std::chrono::steady_clock;
  auto next_flush = Clock::now() + options_.flush_interval;
  while (true) {
    const bool stopping = stopping_;
    const auto wait = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(next_flush - Clock::now()),
                               std::chrono::milliseconds(0));
    for (SharedEvent &event : subscription_->take(1000, stopping ? std::chrono::milliseconds(0) : wait)) {
      if (is_client_task_run_event(*event)) pending_.push_back({std::move(event), 0});
    }
    // A full batch is written at once; a failure waits for the next flush.
    bool healthy = true;
    while (healthy && pending_.size() >= options_.batch_size) healthy = flush_batch();
    if (Clock::now() >= next_flush || stopping) {
      while (healthy && !pending_.empty()) healthy = flush_batch();
      next_flush = Clock::now() + options_.flush_interval;
    }
    if (stopping) return;
  }
}

bool TaskRunRecorder::flush_batch() {
  const size_t count = std::min(options_.batch_size, pending_.size());
  std::vector<Pending> batch(std::make_move_iterator(pending_.begin()),
                             std::make_move_iterator(pending_.begin() + static_cast<std::ptrdiff_t>(count)));
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
  std::vector<const ReceivedEvent *> events;
  for (const Pending &item : batch) events.push_back(item.event.get());
  try {
    record_task_run_events(database_, events);
    return true;
  } catch (const std::exception &error) {
    size_t dropped = 0;
    std::vector<Pending> retry;
    for (Pending &item : batch) {
      if (++item.failed_attempts <= options_.max_retries) {
        retry.push_back(std::move(item));
      } else {
        ++dropped;
        spdlog::error("task run recorder: dropping event {} after {} failed attempts", item.event->id.to_string(),
                      item.failed_attempts);
      }
    }
    spdlog::error("task run recorder: error writing {} events ({} to retry, {} dropped): {}", batch.size(),
                  retry.size(), dropped, error.what());
    pending_.insert(pending_.begin(), std::make_move_iterator(retry.begin()), std::make_move_iterator(retry.end()));
    return false;
  }
}

}  // namespace prefectd
