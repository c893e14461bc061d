// The in-process event bus (services.md §1.5): fan-out to every consumer,
// bounded queues, and Prefect's publisher rules (size limit, duplicates).
#include "events/event_bus.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace prefectd {
namespace {

using std::chrono::milliseconds;

ReceivedEvent event_named(const std::string &name, size_t payload_bytes = 0) {
  ReceivedEvent event;
  event.id = Uuid::v7();
  event.occurred = Timestamp::now();
  event.received = event.occurred;
  event.event = name;
  event.resource = {{"prefect.resource.id", "prefect.flow.1"}};
  event.payload_json = R"({"blob": ")" + std::string(payload_bytes, 'x') + R"("})";
  return event;
}

TEST(EventBus, EveryConsumerGetsEveryEvent) {
  EventBus bus;
  auto first = bus.subscribe("first");
  auto second = bus.subscribe("second");
  EXPECT_TRUE(bus.publish(event_named("a")));
  EXPECT_TRUE(bus.publish(event_named("b")));
  auto taken = first->take(10, milliseconds(0));
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0]->event, "a");
  EXPECT_EQ(taken[1]->event, "b");
  EXPECT_EQ(second->take(10, milliseconds(0)).size(), 2u);
}

TEST(EventBus, AnIdSeenRecently_IsPassedOver) {
  EventBus bus;
  auto consumer = bus.subscribe("consumer");
  ReceivedEvent event = event_named("a");
  EXPECT_TRUE(bus.publish(event));
  EXPECT_FALSE(bus.publish(event));
  EXPECT_EQ(consumer->take(10, milliseconds(0)).size(), 1u);
}

TEST(EventBus, AnEventLargerThanTheMaximum_IsRefused) {
  EventBus bus(2000);
  auto consumer = bus.subscribe("consumer");
  EXPECT_FALSE(bus.publish(event_named("big", 3000)));
  EXPECT_TRUE(bus.publish(event_named("small", 10)));
  auto taken = consumer->take(10, milliseconds(0));
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0]->event, "small");
}

TEST(EventBus, AFullQueue_DropsNewEventsForThatConsumerOnly) {
  EventBus bus;
  auto bounded = bus.subscribe("bounded", 1);
  auto unbounded = bus.subscribe("unbounded");
  bus.publish(event_named("a"));
  bus.publish(event_named("b"));
  EXPECT_EQ(bounded->take(10, milliseconds(0)).size(), 1u);
  EXPECT_EQ(unbounded->take(10, milliseconds(0)).size(), 2u);
}

TEST(EventBus, TakeWaitsForAnEventAndCloseWakesIt) {
  EventBus bus;
  auto consumer = bus.subscribe("consumer");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(consumer->take(10, milliseconds(30)).empty());
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(25));
  consumer->close();
  const auto closed = std::chrono::steady_clock::now();
  EXPECT_TRUE(consumer->take(10, milliseconds(5000)).empty());
  EXPECT_LT(std::chrono::steady_clock::now() - closed, milliseconds(1000));
}

}  // namespace
}  // namespace prefectd
