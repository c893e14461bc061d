// /v2/concurrency_limits: global limits (create, read, update, delete,
// filter) and their slots, with or without a lease (orchestration.md §7).
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "concurrency/lease_storage.h"
#include "concurrency_limit_json.h"
#include "database/database_interface.h"
#include "orchestration/jitter.h"
#include "routes.h"
#include "validation/python_repr.h"

#include <algorithm>
#include <random>

namespace prefectd {
namespace {

constexpr const char *kLimitNotFound = "Concurrency Limit not found";
constexpr const char *kLeaseGone = "Lease not found - it may have expired or been revoked";
constexpr double kRetryJitterFactor = 0.3;  // clamped_poisson_interval's default

double random_unit() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

std::vector<std::string> names_from(const rapidjson::Value &body) {
  std::vector<std::string> names;
  for (const auto &name : body["names"].GetArray()) names.emplace_back(name.GetString(), name.GetStringLength());
  return names;
}

std::vector<Uuid> ids_of(const std::vector<ConcurrencyLimitV2Row> &limits) {
  std::vector<Uuid> ids;
  for (const auto &limit : limits) ids.push_back(limit.id);
  return ids;
}

std::vector<ConcurrencyLimitV2Row> active_only(const std::vector<ConcurrencyLimitV2Row> &limits) {
  std::vector<ConcurrencyLimitV2Row> active;
  std::copy_if(limits.begin(), limits.end(), std::back_inserter(active),
               [](const auto &limit) { return limit.active; });
  return active;
}

rapidjson::Value minimal_list(const std::vector<ConcurrencyLimitV2Row> &limits, JsonAllocator &allocator) {
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto &limit : limits) {
    list.PushBack(minimal_concurrency_limit_json(limit.id, limit.name, limit.limit, allocator), allocator);
  }
  return list;
}

HttpResponse create(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  ConcurrencyLimitV2Row limit;
  limit.name = body["name"].GetString();
  limit.limit = body["limit"].GetInt64();
  limit.active = optional_bool(body, "active").value_or(true);
  limit.active_slots = optional_int(body, "active_slots").value_or(0);
  limit.denied_slots = optional_int(body, "denied_slots").value_or(0);
  if (const auto *decay = non_null_member(body, "slot_decay_per_second"))
    limit.slot_decay_per_second = decay->GetDouble();
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  ConcurrencyLimitV2Row created = create_concurrency_limit_v2(database, session, limit);
  transaction.commit();
  rapidjson::Document response;
  return {201, to_json(concurrency_limit_v2_json(created, response.GetAllocator()))};
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto limit = read_concurrency_limit_v2(database, session, ConcurrencyLimitKey::from_path(call.path.at("id_or_name")),
                                         /*decayed=*/true);
  if (!limit) throw_detail(404, kLimitNotFound);
  rapidjson::Document response;
  return {200, to_json(global_concurrency_limit_json(*limit, response.GetAllocator()))};
}

HttpResponse filter(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto limits = read_all_concurrency_limits_v2(database, session, limit_from_body(call.body, call.server.settings),
                                               offset_from_body(call.body));
  rapidjson::Document response;
  response.SetArray();
  for (const auto &limit : limits) {
    response.PushBack(global_concurrency_limit_json(limit, response.GetAllocator()), response.GetAllocator());
  }
  return {200, to_json(response)};
}

HttpResponse update(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  // Prefect writes a sent null into a NOT NULL column: an integrity error.
  for (const auto &member : body.GetObject()) {
    if (member.value.IsNull()) return integrity_conflict_response();
  }
  ConcurrencyLimitV2Update changes;
  changes.active = optional_bool(body, "active");
  changes.name = optional_string(body, "name");
  changes.limit = optional_int(body, "limit");
  changes.active_slots = optional_int(body, "active_slots");
  changes.denied_slots = optional_int(body, "denied_slots");
  if (const auto *decay = non_null_member(body, "slot_decay_per_second"))
    changes.slot_decay_per_second = decay->GetDouble();
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!update_concurrency_limit_v2(database, session, ConcurrencyLimitKey::from_path(call.path.at("id_or_name")),
                                   changes)) {
    throw_detail(404, kLimitNotFound);
  }
  transaction.commit();
  return {204, ""};
}

HttpResponse remove(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (!delete_concurrency_limit_v2(database, session, ConcurrencyLimitKey::from_path(call.path.at("id_or_name")))) {
    throw_detail(404, kLimitNotFound);
  }
  transaction.commit();
  return {204, ""};
}

// The 423 of a refused increment: records the denied slots and says when
// to retry, from the limit that blocks most (values read before the bump).
HttpResponse locked_response(const ServerContext &server, const std::vector<ConcurrencyLimitV2Row> &limits,
                             int64_t slots) {
  const SlotWaitCaps &caps = server.slot_waits;
  const auto active = active_only(limits);
  {
    DatabaseInterface &database = server.database;
    Session session = database.session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    record_denied_slots_v2(database, session, ids_of(active), slots, caps);
    transaction.commit();
  }
  auto blocking_slots = [slots](const ConcurrencyLimitV2Row &limit) {
    const auto waiting = static_cast<double>(slots + limit.denied_slots);
    return limit.slot_decay_per_second > 0 ? waiting : waiting / static_cast<double>(limit.limit);
  };
  const auto &blocking = *std::max_element(active.begin(), active.end(), [&](const auto &a, const auto &b) {
    return blocking_slots(a) < blocking_slots(b);
  });
  double average_interval = 0;
  if (blocking.slot_decay_per_second == 0.0) {
    const double max_wait = blocking.name.starts_with("tag:") ? caps.tag_seconds : caps.other_seconds;
    const double wait_per_slot = std::min(blocking.avg_slot_occupancy_seconds, max_wait);
    average_interval = std::min(wait_per_slot * blocking_slots(blocking), max_wait);
  } else {
    average_interval = blocking_slots(blocking) / blocking.slot_decay_per_second;
  }
  const double retry_after = clamped_poisson_interval(average_interval, kRetryJitterFactor, random_unit());
  HttpResponse response = detail_response(423, "Locked");
  response.headers.emplace_back("Retry-After", python_float_repr(retry_after));
  return response;
}

struct Acquisition {
  std::vector<ConcurrencyLimitV2Row> limits;  // every named limit that exists, active or not
  bool acquired = false;
};

// Reads the named limits and takes `slots` on the active ones, committed
// only if all of them had room.
Acquisition acquire_slots(const RouteCall &call, int64_t slots) {
  const rapidjson::Value &body = call.body;
  const std::string mode = optional_string(body, "mode").value_or("concurrency");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  Acquisition acquisition{read_concurrency_limits_v2_named(database, session, names_from(body)), false};
  const auto active = active_only(acquisition.limits);
  if (std::any_of(active.begin(), active.end(), [&](const auto &limit) { return limit.limit < slots; })) {
    throw_detail(422, "Slots requested is greater than the limit");
  }
  std::string non_decaying;
  for (const auto &limit : active) {
    if (limit.slot_decay_per_second == 0.0) non_decaying += (non_decaying.empty() ? "" : ",") + limit.name;
  }
  if (mode == "rate_limit" && !non_decaying.empty()) {
    rapidjson::Value joined(non_decaying.c_str(), static_cast<rapidjson::SizeType>(non_decaying.size()));
    throw_detail(422,
                 "Only concurrency limits with slot decay can be used for rate limiting. The following limits do "
                 "not have a decay configured: " +
                     python_repr(joined));
  }
  acquisition.acquired =
      increment_concurrency_slots_v2(database, session, ids_of(active), slots, call.server.slot_waits);
  if (acquisition.acquired)
    transaction.commit();
  else
    transaction.rollback();
  return acquisition;
}

HttpResponse increment(const RouteCall &call) {
  const int64_t slots = call.body["slots"].GetInt64();
  Acquisition acquisition = acquire_slots(call, slots);
  if (!acquisition.acquired) return locked_response(call.server, acquisition.limits, slots);
  rapidjson::Document response;
  return {200, to_json(minimal_list(acquisition.limits, response.GetAllocator()))};
}

std::optional<ConcurrencyLeaseHolder> holder_from(const rapidjson::Value &body) {
  const auto *holder = non_null_member(body, "holder");
  if (holder == nullptr) return std::nullopt;
  return ConcurrencyLeaseHolder{(*holder)["type"].GetString(), *Uuid::parse((*holder)["id"].GetString())};
}

HttpResponse increment_with_lease(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  const int64_t slots = body["slots"].GetInt64();
  Acquisition acquisition = acquire_slots(call, slots);
  if (!acquisition.acquired) return locked_response(call.server, acquisition.limits, slots);
  const double duration = body["lease_duration"].GetDouble();
  StoredLease lease = call.server.leases.create(ids_of(acquisition.limits), duration, slots, holder_from(body));
  rapidjson::Document response;
  auto &allocator = response.GetAllocator();
  response.SetObject();
  response.AddMember("lease_id", rapidjson::Value(lease.id.to_string().c_str(), allocator), allocator);
  response.AddMember("limits", minimal_list(acquisition.limits, allocator), allocator);
  return {200, to_json(response)};
}

HttpResponse decrement(const RouteCall &call) {
  const rapidjson::Value &body = call.body;
  std::optional<double> occupancy;
  if (const auto *seconds = non_null_member(body, "occupancy_seconds")) occupancy = seconds->GetDouble();
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  auto limits = read_concurrency_limits_v2_named(database, session, names_from(body));
  if (!limits.empty()) {
    decrement_concurrency_slots_v2(database, session, ids_of(active_only(limits)), body["slots"].GetInt64(), occupancy,
                                   call.server.slot_waits);
  }
  transaction.commit();
  rapidjson::Document response;
  return {200, to_json(minimal_list(limits, response.GetAllocator()))};
}

HttpResponse decrement_with_lease(const RouteCall &call) {
  const Uuid lease_id = *Uuid::parse(call.body["lease_id"].GetString());
  ConcurrencyLeaseStorage &leases = call.server.leases;
  auto lease = leases.take(lease_id);
  if (!lease) return {204, ""};
  const Timestamp now = Timestamp::now();
  const double occupancy = static_cast<double>(now.micros() - lease->created_at.micros()) / 1e6;
  try {
    DatabaseInterface &database = call.server.database;
    Session session = database.session();
    Transaction transaction(session, PD_TRANSACTION_WRITE);
    decrement_concurrency_slots_v2(database, session, lease->resource_ids, lease->slots, occupancy,
                                   call.server.slot_waits, now);
    transaction.commit();
  } catch (...) {
    leases.restore(*lease);
    throw;
  }
  return {204, ""};
}

HttpResponse renew_lease(const RouteCall &call) {
  const Uuid lease_id = *Uuid::parse(call.path.at("lease_id"));
  if (!call.server.leases.renew(lease_id, call.body["lease_duration"].GetDouble())) throw_detail(410, kLeaseGone);
  return {204, ""};
}

}  // namespace

void register_concurrency_limit_v2_routes(Router &router) {
  router.add({"POST", "/v2/concurrency_limits/", create});
  router.add({"POST", "/v2/concurrency_limits/filter", filter});
  router.add({"POST", "/v2/concurrency_limits/increment", increment});
  router.add({"POST", "/v2/concurrency_limits/increment-with-lease", increment_with_lease});
  router.add({"POST", "/v2/concurrency_limits/decrement", decrement});
  router.add({"POST", "/v2/concurrency_limits/decrement-with-lease", decrement_with_lease});
  router.add({"POST", "/v2/concurrency_limits/leases/{lease_id:uuid}/renew", renew_lease});
  router.add({"GET", "/v2/concurrency_limits/{id_or_name}", read});
  router.add({"PATCH", "/v2/concurrency_limits/{id_or_name}", update, Execution::DatabaseWorker, true,
              RequestValidation::FromContractKeepingUnset});
  router.add({"DELETE", "/v2/concurrency_limits/{id_or_name}", remove});
}

}  // namespace prefectd
