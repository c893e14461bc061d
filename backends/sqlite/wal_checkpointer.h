// Copies the write-ahead log back into the database off the writers' path.
//
// SQLite checkpoints automatically inside the COMMIT that takes the log past
// 1,000 pages: that commit copies every page back and syncs both files while
// its writer still holds the write turn, and it was half of the time a write
// turn lasted under load (docs/benchmarks.md). Here the writer's commit only
// signals a thread of the pool's own, which copies the log with a passive
// checkpoint while writers carry on, and takes the write turn just to copy
// the few pages appended meanwhile: only a checkpoint that reaches the end
// of the log lets the next writer start the log over, so it stays bounded.
// Should the thread fall behind, the committing writer checkpoints and
// starts the log over itself.
#pragma once

#include "connection.h"
#include "group_commit.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace prefectd::sqlite {

class WalCheckpointer {
 public:
  // Opens its own connection to `target`; `turns` must outlive it.
  WalCheckpointer(const SqliteTarget &target, GroupCommit &turns);
  WalCheckpointer(const WalCheckpointer &) = delete;
  WalCheckpointer &operator=(const WalCheckpointer &) = delete;
  ~WalCheckpointer();

  // Replaces `writer`'s automatic checkpoint with this one. The writer
  // connection must be closed before the checkpointer is destroyed.
  void watch(sqlite3 *writer);

  // SQLite's own automatic checkpoint interval.
  static constexpr int kStartAtFrames = 1000;
  // Past this the committing writer checkpoints in its turn.
  static constexpr int kWriterCheckpointsAtFrames = 2 * kStartAtFrames;
  // Passive rounds stop once fewer frames than this remain to copy.
  static constexpr int kFinishInTurnBelowFrames = 200;

 private:
  static int on_commit(void *self, sqlite3 *writer, const char *schema, int frames_in_log);
  void run();
  void checkpoint();
  // A passive checkpoint without the turn; frames left to copy, or -1.
  int copy_while_writers_go_on();
  // Called in the writer's commit once the log is long: copies the rest and
  // waits for readers to leave it, so the next writer starts it over.
  void restart_in_writers_turn(sqlite3 *writer, const char *schema);

  Connection connection_;
  GroupCommit &turns_;
  std::mutex mutex_;
  std::condition_variable wanted_;
  std::condition_variable copied_;
  bool pending_ = false;
  bool stopping_ = false;
  bool copying_ = false;  // a passive round is running
  std::thread thread_;    // last: started once everything else is ready
};

}  // namespace prefectd::sqlite
