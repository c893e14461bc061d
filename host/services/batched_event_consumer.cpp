#include "batched_event_consumer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace prefectd {

BatchedEventConsumer::BatchedEventConsumer(std::string name, EventBus &bus, BatchOptions options, Keep keep,
                                           Write write)
    : name_(std::move(name)),
      options_(options),
      keep_(std::move(keep)),
      write_(std::move(write)),
      subscription_(bus.subscribe(name_, options.queue_capacity)) {
  options_.batch_size = std::max<size_t>(1, options_.batch_size);
}

BatchedEventConsumer::~BatchedEventConsumer() {
  stop();
}

void BatchedEventConsumer::start() {
  spdlog::info("{}: batch size {}, flush every {} ms", name_, options_.batch_size, options_.flush_interval.count());
  thread_ = std::thread([this] { run(); });
}

void BatchedEventConsumer::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  subscription_->close();
  thread_.join();
}

void BatchedEventConsumer::run() {
  using Clock = std::chrono::steady_clock;
  auto next_flush = Clock::now() + options_.flush_interval;
  while (true) {
    const bool stopping = stopping_;
    const auto wait = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(next_flush - Clock::now()),
                               std::chrono::milliseconds(0));
    for (SharedEvent &event : subscription_->take(1000, stopping ? std::chrono::milliseconds(0) : wait)) {
      if (keep_(*event)) pending_.push_back({std::move(event), 0});
    }
    // Full batches are written at once, everything at the flush interval;
    // each waiting event is tried at most once per pass, so a failing one
    // (requeued behind the others) neither spins nor holds up the rest.
    const bool flush_all = Clock::now() >= next_flush || stopping;
    size_t untried = pending_.size();
    while (untried > 0 && (flush_all || pending_.size() >= options_.batch_size)) {
      untried -= std::min(untried, flush_batch());
    }
    if (flush_all) next_flush = Clock::now() + options_.flush_interval;
    if (stopping) return;
  }
}

size_t BatchedEventConsumer::flush_batch() {
  const auto count = static_cast<std::ptrdiff_t>(std::min(options_.batch_size, pending_.size()));
  std::vector<Pending> batch(std::make_move_iterator(pending_.begin()),
                             std::make_move_iterator(pending_.begin() + count));
  pending_.erase(pending_.begin(), pending_.begin() + count);
  std::vector<const ReceivedEvent *> events;
  for (const Pending &item : batch) events.push_back(item.event.get());
  try {
    write_(events);
    return batch.size();
  } catch (const std::exception &error) {
    size_t dropped = 0;
    std::vector<Pending> retry;
    for (Pending &item : batch) {
      if (++item.failed_attempts <= options_.max_retries) {
        retry.push_back(std::move(item));
      } else {
        ++dropped;
        spdlog::error("{}: dropping event {} after {} failed attempts", name_, item.event->id.to_string(),
                      item.failed_attempts);
      }
    }
    spdlog::error("{}: error writing {} events ({} to retry, {} dropped): {}", name_, batch.size(), retry.size(),
                  dropped, error.what());
    // Behind the others, as Prefect requeues them: one bad event does not hold up the rest.
    pending_.insert(pending_.end(), std::make_move_iterator(retry.begin()), std::make_move_iterator(retry.end()));
    return batch.size();
  }
}

}  // namespace prefectd
