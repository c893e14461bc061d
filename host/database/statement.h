// A prepared statement on a session: bind by 1-based index, step, read
// columns by 0-based index. Finalized on destruction.
#pragma once

#include <prefectd/backend.h>

#include "core/timestamp.h"
#include "core/uuid.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace prefectd {

class Statement {
 public:
  Statement(const pd_configuration &configuration, pd_statement *statement)
      : configuration_(&configuration), statement_(statement) {}
  Statement(Statement &&other) noexcept;
  Statement &operator=(Statement &&other) noexcept;
  Statement(const Statement &) = delete;
  Statement &operator=(const Statement &) = delete;
  ~Statement();

  Statement &bind_null(int index);
  Statement &bind(int index, int64_t value);
  Statement &bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement &bind(int index, double value);
  Statement &bind(int index, bool value);
  Statement &bind(int index, std::string_view text);
  Statement &bind(int index, const char *text) { return bind(index, std::string_view(text)); }
  Statement &bind(int index, const Uuid &value);
  Statement &bind(int index, const Timestamp &value);
  Statement &bind_json(int index, std::string_view json);
  Statement &bind_blob(int index, std::string_view bytes);
  Statement &bind_interval(int index, int64_t micros);
  // NULL for an empty optional.
  template <class T>
  Statement &bind(int index, const std::optional<T> &value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  Statement &bind_json(int index, const std::string &json) { return bind_json(index, std::string_view(json)); }
  Statement &bind_json(int index, const char *json) { return bind_json(index, std::string_view(json)); }
  Statement &bind_json(int index, const std::optional<std::string> &json) {
    return json ? bind_json(index, *json) : bind_null(index);
  }

  // True while a row is available.
  bool step();
  // Steps to completion; returns rows affected.
  int64_t execute();
  void reset();

  int column_count() const;
  std::string column_name(int column) const;
  bool is_null(int column) const;
  std::optional<int64_t> int64(int column) const;
  std::optional<double> real(int column) const;
  std::optional<bool> boolean(int column) const;
  std::optional<std::string> text(int column) const;
  std::optional<std::string> json(int column) const;
  std::optional<std::string> blob(int column) const;
  std::optional<Uuid> uuid(int column) const;
  std::optional<Timestamp> timestamp(int column) const;
  std::optional<int64_t> interval_micros(int column) const;
  int64_t rows_affected() const;

 private:
  Statement &bind_value(int index, const pd_value &value);
  pd_value column(int column, pd_type type) const;

  const pd_configuration *configuration_;
  pd_statement *statement_;
};

}  // namespace prefectd
