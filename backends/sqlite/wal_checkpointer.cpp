#include "wal_checkpointer.h"

#include "host_services.h"

namespace prefectd::sqlite {
namespace {

// Frames still to copy after a checkpoint in `mode`, or -1 when it failed
// (SQLITE_BUSY: another checkpoint was running, or readers kept a RESTART
// from starting the log over; both harmless, the next round catches up).
int run_checkpoint(sqlite3 *connection, int mode) {
  int frames_in_log = 0;
  int frames_copied = 0;
  const int result = sqlite3_wal_checkpoint_v2(connection, nullptr, mode, &frames_in_log, &frames_copied);
  if (result != SQLITE_OK) {
    if (result != SQLITE_BUSY) {
      backend::log(PD_LOG_WARNING, std::string("SQLite WAL checkpoint failed: ") + sqlite3_errmsg(connection));
    }
    return -1;
  }
  return frames_in_log - frames_copied;
}

}  // namespace

WalCheckpointer::WalCheckpointer(const SqliteTarget &target, GroupCommit &turns)
    : connection_(open_connection(target)), turns_(turns) {
  // Its RESTART waits for readers while writers wait for the turn: a long
  // read (a large download) must not stall them for it. Given up after a
  // moment, the log simply starts over at a later round.
  sqlite3_busy_timeout(connection_.get(), 250);
  thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wanted_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::watch(sqlite3 *writer) {
  sqlite3_wal_hook(writer, &WalCheckpointer::on_commit, this);
}

// Called by SQLite inside the writer's COMMIT, after the commit itself.
int WalCheckpointer::on_commit(void *self, sqlite3 *writer, const char *schema, int frames_in_log) {
  auto &checkpointer = *static_cast<WalCheckpointer *>(self);
  if (frames_in_log >= kWriterCheckpointsAtFrames) {
    // RESTART waits out a passive round of the thread (which would keep
    // the log from starting over) and the readers, then starts it over.
    checkpointer.restart_in_writers_turn(writer, schema);
  } else if (frames_in_log >= kStartAtFrames) {
    {
      std::lock_guard lock(checkpointer.mutex_);
      checkpointer.pending_ = true;
    }
    checkpointer.wanted_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wanted_.wait(lock, [this] { return pending_ || stopping_; });
    if (stopping_) return;
    lock.unlock();
    checkpoint();
    lock.lock();
    // Commits during the checkpoint asked about the log it has just dealt
    // with. Running again at once would hold the log's read lock 0 just as
    // the next writer needs it to start the log over, and the log would
    // grow on; if that writer could not, its own commit asks again.
    pending_ = false;
  }
}

int WalCheckpointer::copy_while_writers_go_on() {
  {
    std::lock_guard lock(mutex_);
    copying_ = true;
  }
  const int remaining = run_checkpoint(connection_.get(), SQLITE_CHECKPOINT_PASSIVE);
  {
    std::lock_guard lock(mutex_);
    copying_ = false;
  }
  copied_.notify_all();
  return remaining;
}

void WalCheckpointer::restart_in_writers_turn(sqlite3 *writer, const char *schema) {
  // SQLite answers BUSY at once, without its busy handler, while another
  // checkpoint runs; the writer holds the turn, so the thread's passive
  // round is the only one that can, and it ends by itself.
  while (sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr) == SQLITE_BUSY) {
    std::unique_lock lock(mutex_);
    if (!copying_) return;  // readers, not the thread: the next commit tries again
    copied_.wait(lock, [this] { return !copying_; });
  }
}

void WalCheckpointer::checkpoint() {
  // Each round copies what the log held when it began; writers append
  // meanwhile, but less than a round copies, so the remainder shrinks.
  for (int round = 0; round < 4; ++round) {
    const int remaining = copy_while_writers_go_on();
    if (remaining < 0) return;
    if (remaining < kFinishInTurnBelowFrames) break;
  }
  // A writer starts the log over only if, when it begins, the log is all
  // copied and no reader is using it; a passive checkpoint running at that
  // moment (it runs back to back under load) prevents exactly that. So the
  // rest is copied with no writer in, and RESTART waits for the readers
  // (short ones: single requests' reads), so the next writer starts the log
  // over. (TRUNCATE would empty the file too, but then every write extends
  // it again: block allocation made pwrite a third dearer, measured.)
  if (!turns_.wait_alone()) return;  // writers are stuck anyway; the next signal retries
  run_checkpoint(connection_.get(), SQLITE_CHECKPOINT_RESTART);
  turns_.end_turn();
}

}  // namespace prefectd::sqlite
