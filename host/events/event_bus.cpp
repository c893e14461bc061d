#include "event_bus.h"

#include "api/json_writer.h"

#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace prefectd {

std::vector<SharedEvent> EventSubscription::take(size_t most, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, timeout, [this] { return closed_ || !queue_.empty(); });
  std::vector<SharedEvent> taken;
  while (!queue_.empty() && taken.size() < most) {
    taken.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return taken;
}

size_t EventSubscription::size() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void EventSubscription::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  arrived_.notify_all();
}

void EventSubscription::offer(const SharedEvent &event) {
  {
    std::lock_guard lock(mutex_);
    if (capacity_ > 0 && queue_.size() >= capacity_) {
      spdlog::warn("{} queue is full ({} events); dropping event {}", name_, capacity_, event->id.to_string());
      return;
    }
    queue_.push_back(event);
  }
  arrived_.notify_one();
}

std::shared_ptr<EventSubscription> EventBus::subscribe(std::string name, size_t capacity) {
  auto subscription = std::make_shared<EventSubscription>(std::move(name), capacity);
  std::lock_guard lock(mutex_);
  subscriptions_.push_back(subscription);
  return subscription;
}

bool EventBus::seen_recently(const Uuid &id, Clock::time_point now) {
  while (!recent_ids_.empty() && (recent_ids_.front().second <= now || recent_ids_.size() >= kRememberedIds)) {
    recent_id_set_.erase(recent_ids_.front().first);
    recent_ids_.pop_front();
  }
  if (recent_id_set_.contains(id)) return true;
  recent_ids_.emplace_back(id, now + kRememberedFor);
  recent_id_set_.insert(id);
  return false;
}

bool EventBus::publish(ReceivedEvent event) {
  rapidjson::Document written;
  write_received_event(event, written, written.GetAllocator());
  const size_t size = to_json(written).size();
  if (size > maximum_event_bytes_) {
    spdlog::warn("refusing to publish event {} ({}) of {} bytes", event.id.to_string(), event.event.substr(0, 100),
                 size);
    return false;
  }
  auto shared = std::make_shared<const ReceivedEvent>(std::move(event));
  std::lock_guard lock(mutex_);
  if (seen_recently(shared->id, Clock::now())) return false;
  for (const auto &subscription : subscriptions_) subscription->offer(shared);
  return true;
}

}  // namespace prefectd
