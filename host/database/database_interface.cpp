#include "database_interface.h"

#include "database_error.h"

namespace prefectd {

DatabaseInterface::DatabaseInterface(std::shared_ptr<LoadedBackend> backend, const DatabaseUrl &url)
    : backend_(std::move(backend)), queries_(*backend_->descriptor().query_components), redacted_url_(url.redacted()) {
  AbiDatabaseUrl abi_url(url);
  pd_error error{};
  check(configuration().xOpen(abi_url.get(), &database_, &error), error);
}

DatabaseInterface::~DatabaseInterface() {
  if (database_ != nullptr) configuration().xClose(database_);
}

Session DatabaseInterface::session() {
  pd_error error{};
  pd_session *session = nullptr;
  check(configuration().xAcquire(database_, &session, &error), error);
  return Session(configuration(), session);
}

void DatabaseInterface::ping() {
  pd_error error{};
  check(configuration().xPing(database_, &error), error);
}

pd_pool_stats DatabaseInterface::pool_stats() {
  pd_pool_stats stats{};
  stats.struct_size = sizeof stats;
  configuration().xPoolStats(database_, &stats);
  return stats;
}

bool DatabaseInterface::is_in_memory() {
  return configuration().xIsInMemory(database_) != 0;
}

int DatabaseInterface::writer_limit() {
  const pd_configuration &vtable = configuration();
  if (!PD_HAS_MEMBER(&vtable, pd_configuration, xWriterLimit) || vtable.xWriterLimit == nullptr) return 0;
  return std::max(0, vtable.xWriterLimit(database_));
}

std::vector<std::string> DatabaseInterface::upsert_columns(const char *model) const {
  std::vector<std::string> columns;
  const char *const *list = orm().xUpsertColumns(model);
  for (; list != nullptr && *list != nullptr; ++list) columns.emplace_back(*list);
  return columns;
}

std::string DatabaseInterface::describe_schema(Session &session) const {
  if (orm().xDescribeSchema == nullptr) return {};
  std::string text;
  pd_sink sink{&text, [](void *context, const char *bytes, size_t size) {
                 static_cast<std::string *>(context)->append(bytes, size);
               }};
  pd_error error{};
  check(orm().xDescribeSchema(session.handle(), &sink, &error), error);
  return text;
}

}  // namespace prefectd
