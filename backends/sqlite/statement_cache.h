// Prepared statements kept per connection, so that the host's hot paths,
// which prepare the same few dozen SQL texts on every request, pay
// SQLite's parser and planner once per connection instead of per request.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace prefectd::sqlite {

struct StatementCloser {
  void operator()(sqlite3_stmt *statement) const { sqlite3_finalize(statement); }
};
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementCloser>;

// A bounded least-recently-used set of idle statements of one connection,
// keyed by their SQL text. Statements in the cache are reset and unbound, so
// they hold no read snapshot and no parameter of the previous caller. Not
// thread-safe: a connection, and so its cache, has one user at a time.
class StatementCache {
 public:
  explicit StatementCache(size_t capacity) : capacity_(capacity) {}
  StatementCache(const StatementCache &) = delete;
  StatementCache &operator=(const StatementCache &) = delete;

  // Removes and returns the idle statement for `sql`, or nullptr.
  StatementHandle take(std::string_view sql);
  // Resets `statement`, clears its bindings and keeps it as the most
  // recently used, finalizing the least recently used beyond the capacity
  // (or `statement` itself when an idle copy of `sql` is already kept).
  void give_back(std::string sql, StatementHandle statement);
  // Finalizes every idle statement (before the connection closes).
  void clear();
  size_t size() const { return by_sql_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::string sql;
    StatementHandle statement;
  };
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  size_t capacity_;
  std::list<Entry> recency_;  // front() is the most recently returned
  std::unordered_map<std::string, std::list<Entry>::iterator, TextHash, std::equal_to<>> by_sql_;
};

}  // namespace prefectd::sqlite
