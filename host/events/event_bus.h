// The in-process message bus of received events (Prefect's in-memory
// messaging broker, topic "events"; services.md §1.5). Publishers (POST
// /events, /events/in) never wait: each consumer has its own queue and its
// own thread that drains it. A full queue drops the newest event with a
// warning. As Prefect's event publisher does, the bus refuses an event
// larger than PREFECT_SERVER_EVENTS_MAXIMUM_SIZE_BYTES and passes over one
// whose id it has seen in the last five minutes (clients resend the events
// a broken connection left unconfirmed).
#pragma once

#include "event.h"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace prefectd {

using SharedEvent = std::shared_ptr<const ReceivedEvent>;

// One consumer's queue.
class EventSubscription {
 public:
  EventSubscription(std::string name, size_t capacity) : name_(std::move(name)), capacity_(capacity) {}

  // Up to `most` events, waiting up to `timeout` for the first; empty when
  // none came or the subscription is closed.
  std::vector<SharedEvent> take(size_t most, std::chrono::milliseconds timeout);
  size_t size() const;
  // Wakes a waiting take(); later ones return at once.
  void close();

 private:
  friend class EventBus;
  void offer(const SharedEvent &event);

  std::string name_;
  size_t capacity_;  // 0: unbounded
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<SharedEvent> queue_;
  bool closed_ = false;
};

class EventBus {
 public:
  // What Prefect's in-memory cache remembers: 1000 ids for five minutes.
  static constexpr size_t kRememberedIds = 1000;
  static constexpr std::chrono::minutes kRememberedFor{5};

  explicit EventBus(size_t maximum_event_bytes = 1'500'000) : maximum_event_bytes_(maximum_event_bytes) {}

  // A new consumer queue that sees every event published from now on.
  std::shared_ptr<EventSubscription> subscribe(std::string name, size_t capacity = 0);
  // False when the event was refused (too large) or passed over (a duplicate).
  bool publish(ReceivedEvent event);

 private:
  using Clock = std::chrono::steady_clock;
  // True when `id` was published recently; remembers it otherwise.
  bool seen_recently(const Uuid &id, Clock::time_point now);

  size_t maximum_event_bytes_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<EventSubscription>> subscriptions_;
  std::deque<std::pair<Uuid, Clock::time_point>> recent_ids_;  // oldest first
  std::set<Uuid> recent_id_set_;
};

}  // namespace prefectd
