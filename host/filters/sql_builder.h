// SQL text under construction together with the values it refers to: every
// value goes through param(), which returns the dialect's placeholder and
// remembers the value, so input never becomes part of the SQL text.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace prefectd {

class QueryComponents;
class Statement;

// JSON text bound as JSON (jsonb on PostgreSQL), as opposed to plain text.
struct JsonText {
  std::string text;
};

class SqlBuilder {
 public:
  using Value = std::variant<std::nullptr_t, int64_t, double, bool, std::string, Uuid, Timestamp, JsonText>;

  explicit SqlBuilder(const QueryComponents &queries) : queries_(&queries) {}

  // The placeholder for a new parameter holding `value`. Placeholders are
  // numbered, so the returned text may appear more than once in a statement.
  std::string param(std::nullptr_t) { return push(nullptr); }
  std::string param(int64_t value) { return push(value); }
  std::string param(int value) { return push(int64_t{value}); }
  std::string param(double value) { return push(value); }
  std::string param(bool value) { return push(value); }
  std::string param(std::string text) { return push(std::move(text)); }
  std::string param(const char *text) { return push(std::string(text)); }
  std::string param(const Uuid &value) { return push(value); }
  std::string param(const Timestamp &value) { return push(value); }
  std::string param(JsonText json) { return push(std::move(json)); }

  // A table alias no other part of the statement uses ("flow_run_3"), for
  // subqueries over a table the outer query may already name.
  std::string alias(std::string_view table);

  // Binds every remembered value, in order, from index 1.
  void bind(Statement &statement) const;

  const QueryComponents &queries() const { return *queries_; }
  size_t parameter_count() const { return values_.size(); }

 private:
  std::string push(Value value);

  const QueryComponents *queries_;
  std::vector<Value> values_;
  int aliases_ = 0;
};

}  // namespace prefectd
