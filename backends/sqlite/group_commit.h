// The process's turn at writing to one SQLite database, and the commits
// that writers taking turns share.
//
// SQLite lets one writer in at a time and makes the others poll with sleeps
// of 1 to 100 ms (its busy handler), so under load most of a waiting
// writer's time was spent asleep after the lock was already free. Writers
// (and the WAL checkpointer) wait for their turn here instead, and it
// passes on at once. Other processes still meet SQLite's own lock.
//
// A COMMIT was half of a write turn under load (docs/benchmarks.md): it
// writes every page the transaction changed to the log, and Prefect's
// tables carry many indexes. So a writer whose work is done and who sees
// others waiting does not commit: its work stays in the open transaction
// and the turn passes on. The last writer
// of such a group, the one nobody waits behind, commits for all of them,
// writing each page the group shares once; each writer's commit call
// returns only then, with the group's outcome. Each writer after the first
// works inside a savepoint of its own: one that fails rolls back to it and
// leaves the others' work in place.
//
// Only a file database has a writer connection to share; an in-memory
// database's sessions take turns without groups.
#pragma once

#include "statement_cache.h"

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace prefectd::sqlite {

// How a group's COMMIT ended: SQLITE_OK, or the failure every member of
// the group reports.
struct CommitOutcome {
  int result = SQLITE_OK;
  std::string message;
};

// The transaction one or more writers share.
class CommitGroup {
 public:
  bool done() const { return done_; }
  const CommitOutcome &outcome() const { return outcome_; }

 private:
  friend class GroupCommit;
  bool done_ = false;  // both guarded by GroupCommit::mutex_
  CommitOutcome outcome_;
};

class GroupCommit {
 public:
  // Writers kept in one group at most, and the longest a group stays open,
  // so that its first writer's answer is not held back without end.
  static constexpr int kMaxMembers = 32;
  static constexpr std::chrono::milliseconds kMaxAge{20};

  explicit GroupCommit(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  GroupCommit(const GroupCommit &) = delete;
  GroupCommit &operator=(const GroupCommit &) = delete;

  // Takes the turn to write in a group. False when it did not come within
  // the timeout.
  bool wait_to_join();
  // Takes the turn to have the database to itself: a group left open is
  // committed first. False when it did not come within the timeout.
  bool wait_alone();
  // Gives back a turn taken alone, or a member's turn once nothing of its
  // own is left on the writer: an open group is committed first unless
  // writers wait to join it (and it is young and small enough).
  void end_turn();

  // The connection groups run on, set in the first turn that uses it, and
  // unset (nullptr) before it closes. Throws SqliteError, leaving it unset.
  void set_writer(sqlite3 *writer);

  // In the turn, on the writer: opens a group unless one is open, and a
  // savepoint for the member when the group already keeps others' work.
  // Throws SqliteError.
  void begin_member();
  // In the turn: keeps the member's work in the group. Throws SqliteError,
  // the member's work then still to be discarded.
  std::shared_ptr<const CommitGroup> keep_member();
  // In the turn: undoes the member's work, or fails the whole group when
  // SQLite has already rolled its transaction back after an error.
  void discard_member();
  // In the turn: commits the open group at once (a member that cannot give
  // the turn up yet, as statements of its own are still on the writer).
  void commit_now();
  // Out of the turn: waits until `group` has committed or failed.
  CommitOutcome await(const std::shared_ptr<const CommitGroup> &group);

 private:
  bool wait(int &waiting);
  void commit_open_group();
  // Ends the open group with `outcome`, rolling back whatever is open.
  void close_group(CommitOutcome outcome);
  bool should_commit_before_passing() const;

  // Runs one of the statements below; throws SqliteError.
  void step(const StatementHandle &statement);

  std::chrono::milliseconds timeout_;
  sqlite3 *writer_ = nullptr;
  // Prepared once: every write pays for them, and parsing them anew each
  // time cost more than running them.
  StatementHandle begin_;
  StatementHandle savepoint_;
  StatementHandle release_;
  StatementHandle commit_;

  std::mutex mutex_;
  std::condition_variable turn_free_;
  std::condition_variable group_done_;
  bool held_ = false;
  int waiting_to_join_ = 0;
  int waiting_alone_ = 0;

  // The open group; touched only in the turn, read by end_turn's decision.
  std::shared_ptr<CommitGroup> open_;
  int members_ = 0;  // writers whose work the group keeps
  bool member_has_savepoint_ = false;
  std::chrono::steady_clock::time_point opened_at_;
};

}  // namespace prefectd::sqlite
