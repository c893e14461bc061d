#include "statement.h"

#include "database_error.h"

namespace prefectd {
namespace {

pd_value text_value(pd_type type, std::string_view text) {
  pd_value value{};
  value.type = type;
  value.as.data.bytes = text.data();
  value.as.data.size = text.size();
  return value;
}

}  // namespace

Statement::Statement(Statement &&other) noexcept
    : configuration_(other.configuration_), statement_(std::exchange(other.statement_, nullptr)) {}

Statement &Statement::operator=(Statement &&other) noexcept {
  if (this != &other) {
    if (statement_ != nullptr) configuration_->xFinalize(statement_);
    configuration_ = other.configuration_;
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (statement_ != nullptr) configuration_->xFinalize(statement_);
}

Statement &Statement::bind_value(int index, const pd_value &value) {
  pd_error error{};
  check(configuration_->xBind(statement_, index, &value, &error), error);
  return *this;
}

Statement &Statement::bind_null(int index) {
  pd_value value{};
  value.type = PD_TYPE_NULL;
  return bind_value(index, value);
}

Statement &Statement::bind(int index, int64_t number) {
  pd_value value{};
  value.type = PD_TYPE_INT64;
  value.as.int64 = number;
  return bind_value(index, value);
}

Statement &Statement::bind(int index, double number) {
  pd_value value{};
  value.type = PD_TYPE_DOUBLE;
  value.as.real = number;
  return bind_value(index, value);
}

Statement &Statement::bind(int index, bool flag) {
  pd_value value{};
  value.type = PD_TYPE_BOOL;
  value.as.boolean = flag ? 1 : 0;
  return bind_value(index, value);
}

Statement &Statement::bind(int index, std::string_view text) {
  return bind_value(index, text_value(PD_TYPE_TEXT, text));
}

Statement &Statement::bind_json(int index, std::string_view json) {
  return bind_value(index, text_value(PD_TYPE_JSON, json));
}

Statement &Statement::bind_blob(int index, std::string_view bytes) {
  return bind_value(index, text_value(PD_TYPE_BLOB, bytes));
}

Statement &Statement::bind(int index, const Uuid &uuid) {
  pd_value value{};
  value.type = PD_TYPE_UUID;
  for (size_t i = 0; i < 16; ++i) value.as.uuid[i] = uuid.bytes()[i];
  return bind_value(index, value);
}

Statement &Statement::bind(int index, const Timestamp &timestamp) {
  pd_value value{};
  value.type = PD_TYPE_TIMESTAMP;
  value.as.int64 = timestamp.micros();
  return bind_value(index, value);
}

Statement &Statement::bind_interval(int index, int64_t micros) {
  pd_value value{};
  value.type = PD_TYPE_INTERVAL;
  value.as.int64 = micros;
  return bind_value(index, value);
}

bool Statement::step() {
  pd_error error{};
  return check(configuration_->xStep(statement_, &error), error) == PD_ROW;
}

int64_t Statement::execute() {
  while (step()) {
  }
  return rows_affected();
}

void Statement::reset() {
  pd_error error{};
  check(configuration_->xReset(statement_, &error), error);
}

int Statement::column_count() const {
  return configuration_->xColumnCount(statement_);
}

std::string Statement::column_name(int column) const {
  const char *name = configuration_->xColumnName(statement_, column);
  return name != nullptr ? name : "";
}

pd_value Statement::column(int index, pd_type type) const {
  pd_value value{};
  pd_error error{};
  check(configuration_->xColumn(statement_, index, type, &value, &error), error);
  return value;
}

bool Statement::is_null(int index) const {
  return column(index, PD_TYPE_TEXT).type == PD_TYPE_NULL;
}

std::optional<int64_t> Statement::int64(int index) const {
  pd_value value = column(index, PD_TYPE_INT64);
  if (value.type == PD_TYPE_NULL) return std::nullopt;
  return value.as.int64;
}

std::optional<double> Statement::real(int index) const {
  pd_value value = column(index, PD_TYPE_DOUBLE);
  if (value.type == PD_TYPE_NULL) return std::nullopt;
  return value.as.real;
}

std::optional<bool> Statement::boolean(int index) const {
  pd_value value = column(index, PD_TYPE_BOOL);
  if (value.type == PD_TYPE_NULL) return std::nullopt;
  return value.as.boolean != 0;
}

std::optional<std::string> Statement::text(int index) const {
  pd_value value = column(index, PD_TYPE_TEXT);
  if (value.type == PD_TYPE_NULL) return std::nullopt;
  return std::string(value.as.data.bytes, value.as.data.size);
}

std::optional<std::string> Statement::json(int index) const {
  pd_value value = column(index, PD_TYPE_JSON);
  if (value.type == PD_TYPE_NULL) return std::nullopt;
  return std::string(value.as.data.bytes, value.as.data.size);
}

std::optional<std::string> Statement::blob(int index) const {
  pd_value value = column(index, PD_TYPE_BLOB);
  if (value.type == PD_TYPE_NULL) return std::nullopt;
  return std::string(value.as.data.bytes, value.as.data.size);
}

std::optional<Uuid> Statement::uuid(int index) const {
  pd_value value = column(index, PD_TYPE_UUID);
  if (value.type == PD_TYPE_NULL) return std::nullopt;
  std::array<uint8_t, 16> bytes{};
  for (size_t i = 0; i < 16; ++i) bytes[i] = value.as.uuid[i];
  return Uuid(bytes);
}

std::optional<Timestamp> Statement::timestamp(int index) const {
  pd_value value = column(index, PD_TYPE_TIMESTAMP);
  if (value.type == PD_TYPE_NULL) return std::nullopt;
  return Timestamp(value.as.int64);
}

std::optional<int64_t> Statement::interval_micros(int index) const {
  pd_value value = column(index, PD_TYPE_INTERVAL);
  if (value.type == PD_TYPE_NULL) return std::nullopt;
  return value.as.int64;
}

int64_t Statement::rows_affected() const {
  return configuration_->xRowsAffected(statement_);
}

}  // namespace prefectd
