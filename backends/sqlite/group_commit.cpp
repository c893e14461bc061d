#include "group_commit.h"

#include "connection.h"

namespace prefectd::sqlite {
namespace {

constexpr const char *kRolledBackBySqlite =
    "the shared write transaction was rolled back by SQLite after an error in one of its writers";

int execute(sqlite3 *connection, const char *sql) {
  return sqlite3_exec(connection, sql, nullptr, nullptr, nullptr);
}

}  // namespace

void GroupCommit::set_writer(sqlite3 *writer) {
  for (StatementHandle *statement : {&begin_, &savepoint_, &release_, &commit_}) statement->reset();
  writer_ = writer;
  if (writer_ == nullptr) return;
  const auto prepare = [&](StatementHandle &statement, const char *sql) {
    sqlite3_stmt *raw = nullptr;
    const int result = sqlite3_prepare_v3(writer_, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    statement.reset(raw);
    check(writer_, result);
  };
  try {
    prepare(begin_, "BEGIN IMMEDIATE");
    prepare(savepoint_, "SAVEPOINT prefectd_member");
    prepare(release_, "RELEASE prefectd_member");
    prepare(commit_, "COMMIT");
  } catch (...) {
    set_writer(nullptr);  // no statement may outlive a writer that is not kept
    throw;
  }
}

void GroupCommit::step(const StatementHandle &statement) {
  const int result = sqlite3_step(statement.get());
  sqlite3_reset(statement.get());
  if (result != SQLITE_DONE) check(writer_, result);
}

bool GroupCommit::wait(int &waiting) {
  std::unique_lock lock(mutex_);
  ++waiting;
  // At the timeout the predicate is asked once more: a turn that is free
  // then is taken, so a writer counted as waiting when the holder passed
  // the turn on always takes it.
  const bool free = turn_free_.wait_for(lock, timeout_, [this] { return !held_; });
  --waiting;
  if (!free) return false;
  held_ = true;
  return true;
}

bool GroupCommit::wait_to_join() {
  return wait(waiting_to_join_);
}

bool GroupCommit::wait_alone() {
  if (!wait(waiting_alone_)) return false;
  if (open_) commit_open_group();
  return true;
}

bool GroupCommit::should_commit_before_passing() const {
  return waiting_to_join_ == 0 || waiting_alone_ > 0 || members_ >= kMaxMembers ||
         std::chrono::steady_clock::now() - opened_at_ >= kMaxAge;
}

void GroupCommit::end_turn() {
  std::unique_lock lock(mutex_);
  // Decided and passed on in one step under the lock: a writer counted as
  // waiting here is still waiting when the turn becomes free.
  if (open_ && should_commit_before_passing()) {
    lock.unlock();
    commit_open_group();
    lock.lock();
  }
  held_ = false;
  lock.unlock();
  turn_free_.notify_all();
}

void GroupCommit::begin_member() {
  if (!open_) {
    step(begin_);
    open_ = std::make_shared<CommitGroup>();
    members_ = 0;
    opened_at_ = std::chrono::steady_clock::now();
  }
  // A savepoint copies every page its writer changes, to undo it; only a
  // writer after others whose work the group keeps needs one; the first
  // undoes its work by rolling the whole transaction back.
  member_has_savepoint_ = members_ > 0;
  if (member_has_savepoint_) step(savepoint_);
}

std::shared_ptr<const CommitGroup> GroupCommit::keep_member() {
  if (sqlite3_get_autocommit(writer_) != 0) {
    close_group({SQLITE_ABORT, kRolledBackBySqlite});
    throw SqliteError(status_for(SQLITE_ABORT), SQLITE_ABORT, kRolledBackBySqlite);
  }
  if (member_has_savepoint_) step(release_);
  ++members_;
  return open_;
}

void GroupCommit::discard_member() {
  if (!open_) return;
  if (sqlite3_get_autocommit(writer_) != 0) {
    close_group({SQLITE_ABORT, kRolledBackBySqlite});
    return;
  }
  if (!member_has_savepoint_) {
    close_group({SQLITE_ABORT, "rolled back"});  // nobody else's work was in it
    return;
  }
  if (execute(writer_, "ROLLBACK TO prefectd_member") != SQLITE_OK ||
      execute(writer_, "RELEASE prefectd_member") != SQLITE_OK) {
    // The savepoint could not be undone alone; nothing of the group may be
    // committed half-undone.
    close_group({SQLITE_ABORT, std::string("a writer's work could not be undone alone: ") + sqlite3_errmsg(writer_)});
  }
}

void GroupCommit::commit_now() {
  if (open_) commit_open_group();
}

void GroupCommit::commit_open_group() {
  CommitOutcome outcome;
  const int result = sqlite3_step(commit_.get());
  if (result != SQLITE_DONE) outcome = {result, sqlite3_errmsg(writer_)};
  sqlite3_reset(commit_.get());
  close_group(std::move(outcome));
}

void GroupCommit::close_group(CommitOutcome outcome) {
  // A failed COMMIT can leave the transaction open; the group ends either way.
  if (sqlite3_get_autocommit(writer_) == 0) execute(writer_, "ROLLBACK");
  {
    std::lock_guard lock(mutex_);
    open_->outcome_ = std::move(outcome);
    open_->done_ = true;
    open_.reset();
    members_ = 0;
  }
  group_done_.notify_all();
}

CommitOutcome GroupCommit::await(const std::shared_ptr<const CommitGroup> &group) {
  std::unique_lock lock(mutex_);
  group_done_.wait(lock, [&] { return group->done_; });
  return group->outcome_;
}

}  // namespace prefectd::sqlite
