// The process's turn at writing to one SQLite database.
//
// SQLite lets one writer in at a time and makes the others poll with sleeps
// of 1 to 100 ms (its busy handler), so under load most of a waiting
// writer's time was spent asleep after the lock was already free. Writers
// (and the WAL checkpointer when it finishes a checkpoint) wait here
// instead, and the turn passes on at once. Other processes still meet
// SQLite's own lock and busy timeout.
#pragma once

#include <chrono>
#include <mutex>

namespace prefectd::sqlite {

class WriteTurn {
 public:
  explicit WriteTurn(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  WriteTurn(const WriteTurn &) = delete;
  WriteTurn &operator=(const WriteTurn &) = delete;

  // False when the turn did not come within the timeout.
  bool wait() { return turn_.try_lock_for(timeout_); }
  void end() { turn_.unlock(); }

 private:
  std::timed_mutex turn_;
  std::chrono::milliseconds timeout_;
};

}  // namespace prefectd::sqlite
