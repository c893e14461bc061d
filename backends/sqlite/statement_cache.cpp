#include "statement_cache.h"

namespace prefectd::sqlite {

StatementHandle StatementCache::take(std::string_view sql) {
  auto found = by_sql_.find(sql);
  if (found == by_sql_.end()) return nullptr;
  StatementHandle statement = std::move(found->second->statement);
  recency_.erase(found->second);
  by_sql_.erase(found);
  return statement;
}

void StatementCache::give_back(std::string sql, StatementHandle statement) {
  // Reset ends the statement's read of the database (a SELECT stepped to
  // one row and left there would otherwise pin a WAL snapshot and starve
  // checkpoints); its error, if any, was reported by the step that failed.
  sqlite3_reset(statement.get());
  sqlite3_clear_bindings(statement.get());
  if (capacity_ == 0 || by_sql_.contains(sql)) return;  // finalized here
  recency_.push_front(Entry{std::move(sql), std::move(statement)});
  try {
    by_sql_.emplace(recency_.front().sql, recency_.begin());
  } catch (...) {
    recency_.pop_front();  // not kept: finalized, as if the cache were full
    throw;
  }
  while (by_sql_.size() > capacity_) {
    by_sql_.erase(recency_.back().sql);
    recency_.pop_back();
  }
}

void StatementCache::clear() {
  by_sql_.clear();
  recency_.clear();
}

}  // namespace prefectd::sqlite
