// The columns a write sets and their values, for INSERTs and UPDATEs that
// write only what a client sent (Prefect's model_dump(exclude_unset=True)).
#pragma once

#include "filters/sql_builder.h"

#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class ColumnValues {
 public:
  explicit ColumnValues(const QueryComponents &queries) : sql_(queries) {}

  template <typename Value>
  ColumnValues &set(std::string column, Value value) {
    columns_.push_back({std::move(column), sql_.param(std::move(value))});
    return *this;
  }
  template <typename Value>
  ColumnValues &set(std::string column, std::optional<Value> value) {
    columns_.push_back({std::move(column), value ? sql_.param(std::move(*value)) : sql_.param(nullptr)});
    return *this;
  }
  ColumnValues &set_json(std::string column, std::optional<std::string> json);

  bool has(std::string_view column) const;
  bool empty() const { return columns_.empty(); }
  std::vector<std::string> columns() const;
  // "a, b, c" and "?1, ?2, ?3" for an INSERT.
  std::string column_list() const;
  std::string value_list() const;
  // "a = ?1, b = ?2" for an UPDATE.
  std::string assignments() const;
  // For conditions after the values: their parameters follow.
  SqlBuilder &sql() { return sql_; }
  void bind(Statement &statement) const { sql_.bind(statement); }

 private:
  struct Column {
    std::string name;
    std::string placeholder;
  };
  SqlBuilder sql_;
  std::vector<Column> columns_;
};

}  // namespace prefectd
