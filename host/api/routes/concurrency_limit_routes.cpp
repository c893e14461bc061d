// /concurrency_limits: Prefect 3.8's v1 adapter. Tag limits live as v2
// limits named "tag:<tag>" and answer in the v1 shape; legacy v1 rows are
// still read, reset and deleted where no v2 limit replaces them.
#include "api/error_responses.h"
#include "api/json_access.h"
#include "api/json_writer.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/server_context.h"
#include "concurrency/lease_storage.h"
#include "concurrency_limit_json.h"
#include "database/database_interface.h"
#include "orchestration/orchestration_settings.h"
#include "routes.h"
#include "settings/settings.h"
#include "validation/python_repr.h"

#include <algorithm>
#include <map>
#include <set>

namespace prefectd {
namespace {

constexpr const char *kLimitNotFound = "Concurrency limit not found";

std::string v2_name(const std::string &tag) {
  return "tag:" + tag;
}

std::vector<std::string> string_array(const rapidjson::Value &array) {
  std::vector<std::string> strings;
  for (const auto &item : array.GetArray()) strings.emplace_back(item.GetString(), item.GetStringLength());
  return strings;
}

HttpResponse create(const RouteCall &call) {
  const std::string tag = call.body["tag"].GetString();
  const int64_t limit_value = call.body["concurrency_limit"].GetInt64();
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const ConcurrencyLimitKey key{std::nullopt, v2_name(tag)};
  int status = 200;
  if (read_concurrency_limit_v2(database, session, key)) {
    ConcurrencyLimitV2Update change;
    change.limit = limit_value;
    update_concurrency_limit_v2(database, session, key, change);
  } else {
    ConcurrencyLimitV2Row limit;
    limit.name = key.name;
    limit.limit = limit_value;
    create_concurrency_limit_v2(database, session, limit);
    status = 201;
  }
  auto stored = read_concurrency_limit_v2(database, session, key);
  transaction.commit();
  rapidjson::Document response;
  return {status, to_json(concurrency_limit_v1_json(*stored, call.server.leases, response.GetAllocator()))};
}

// A "tag:" v2 limit in the v1 shape, else the legacy row, else 404.
HttpResponse v1_view(const RouteCall &call, const std::optional<ConcurrencyLimitV2Row> &v2,
                     const std::optional<ConcurrencyLimitV1Row> &legacy) {
  rapidjson::Document response;
  if (v2) return {200, to_json(concurrency_limit_v1_json(*v2, call.server.leases, response.GetAllocator()))};
  if (legacy) return {200, to_json(concurrency_limit_v1_json(*legacy, response.GetAllocator()))};
  throw_detail(404, kLimitNotFound);
}

HttpResponse read(const RouteCall &call) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto v2 = read_concurrency_limit_v2(database, session, ConcurrencyLimitKey{path_id(call), ""});
  if (v2 && !v2->name.starts_with("tag:")) v2.reset();
  if (v2) return v1_view(call, v2, std::nullopt);
  return v1_view(call, std::nullopt, read_concurrency_limit_v1(database, session, path_id(call)));
}

HttpResponse read_by_tag(const RouteCall &call) {
  const std::string tag = call.path.at("tag");
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto v2 = read_concurrency_limit_v2(database, session, ConcurrencyLimitKey{std::nullopt, v2_name(tag)});
  if (v2) return v1_view(call, v2, std::nullopt);
  return v1_view(call, std::nullopt, read_concurrency_limit_v1_by_tag(database, session, tag));
}

// Converted "tag:" limits first, then the legacy rows of other tags, each
// read as a window of limit+offset before the page is cut, as Prefect does.
HttpResponse filter(const RouteCall &call) {
  const int64_t limit = limit_from_body(call.body, call.server.settings);
  const int64_t offset = offset_from_body(call.body);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  auto legacy = read_concurrency_limits_v1(database, session, limit + offset, 0);
  auto v2 = read_all_concurrency_limits_v2(database, session, limit + offset, 0);
  rapidjson::Document response;
  auto &allocator = response.GetAllocator();
  std::vector<rapidjson::Value> combined;
  std::set<std::string> v2_tags;
  for (const auto &limit_row : v2) {
    if (!limit_row.name.starts_with("tag:")) continue;
    v2_tags.insert(limit_row.name.substr(4));
    combined.push_back(concurrency_limit_v1_json(limit_row, call.server.leases, allocator));
  }
  for (const auto &row : legacy) {
    if (!v2_tags.contains(row.tag)) combined.push_back(concurrency_limit_v1_json(row, allocator));
  }
  response.SetArray();
  for (size_t i = static_cast<size_t>(offset); i < combined.size() && i < static_cast<size_t>(offset + limit); ++i) {
    response.PushBack(combined[i], allocator);
  }
  return {200, to_json(response)};
}

HttpResponse reset_by_tag(const RouteCall &call) {
  const std::string tag = call.path.at("tag");
  std::vector<std::string> override_ids;
  const auto *overrides = non_null_member(call.body, "slot_override");
  if (overrides != nullptr) override_ids = string_array(*overrides);
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  auto v2 = read_concurrency_limit_v2(database, session, ConcurrencyLimitKey{std::nullopt, v2_name(tag)});
  if (v2) {
    // As Prefect: the leases go, the slot count stays as it was, and each
    // override takes one more slot under a lease of its own.
    call.server.leases.revoke_active_on_limit(v2->id);
    for (size_t i = 0; i < override_ids.size(); ++i) {
      increment_concurrency_slots_v2(database, session, {v2->id}, 1, call.server.slot_waits);
    }
    transaction.commit();
    for (const std::string &task_run_id : override_ids) {
      call.server.leases.create({v2->id}, kTaskTagLeaseTtlSeconds, 1,
                                ConcurrencyLeaseHolder{"task_run", *Uuid::parse(task_run_id)});
    }
    return {200, "null"};
  }
  if (!read_concurrency_limit_v1_by_tag(database, session, tag)) throw_detail(404, kLimitNotFound);
  write_concurrency_limit_v1_slots(database, session, tag, override_ids);
  transaction.commit();
  return {200, "null"};
}

template <class DeleteLegacy>
HttpResponse delete_limit(const RouteCall &call, const ConcurrencyLimitKey &key, DeleteLegacy delete_legacy) {
  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  if (auto v2 = read_concurrency_limit_v2(database, session, key)) {
    call.server.leases.revoke_active_on_limit(v2->id);
    delete_concurrency_limit_v2(database, session, ConcurrencyLimitKey{v2->id, ""});
    transaction.commit();
    return {200, "null"};
  }
  if (!delete_legacy(database, session)) throw_detail(404, kLimitNotFound);
  transaction.commit();
  return {200, "null"};
}

HttpResponse remove(const RouteCall &call) {
  const Uuid id = path_id(call);
  return delete_limit(call, ConcurrencyLimitKey{id, ""}, [&](DatabaseInterface &database, Session &session) {
    return delete_concurrency_limit_v1(database, session, id);
  });
}

HttpResponse remove_by_tag(const RouteCall &call) {
  const std::string tag = call.path.at("tag");
  return delete_limit(call, ConcurrencyLimitKey{std::nullopt, v2_name(tag)},
                      [&](DatabaseInterface &database, Session &session) {
                        return delete_concurrency_limit_v1_by_tag(database, session, tag);
                      });
}

HttpResponse locked(const std::string &message, std::optional<std::string> retry_after) {
  HttpResponse response = detail_response(423, message);
  if (retry_after) response.headers.emplace_back("Retry-After", *retry_after);
  return response;
}

std::string zero_limit_message(const std::string &tag) {
  return "The concurrency limit on tag \"" + tag + "\" is 0 and will deadlock if the task tries to run again.";
}

HttpResponse increment(const RouteCall &call) {
  const auto tags = string_array(call.body["names"]);
  const Uuid task_run_id = *Uuid::parse(call.body["task_run_id"].GetString());
  const std::string retry_after =
      python_float_repr(call.server.settings.number("PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS"));
  std::vector<std::string> v2_names;
  for (const auto &tag : tags) v2_names.push_back(v2_name(tag));

  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  std::map<std::string, ConcurrencyLimitV2Row> v2_by_name;
  for (auto &limit : read_concurrency_limits_v2_named(database, session, v2_names)) v2_by_name[limit.name] = limit;
  std::map<std::string, ConcurrencyLimitV1Row> v1_by_tag;
  for (auto &row : read_concurrency_limits_v1_for_tags(database, session, tags)) v1_by_tag[row.tag] = row;
  auto v2_of = [&](const std::string &tag) -> const ConcurrencyLimitV2Row * {
    auto found = v2_by_name.find(v2_name(tag));
    return found == v2_by_name.end() ? nullptr : &found->second;
  };
  auto v1_of = [&](const std::string &tag) -> ConcurrencyLimitV1Row * {
    auto found = v1_by_tag.find(tag);
    return found == v1_by_tag.end() ? nullptr : &found->second;
  };

  for (const auto &tag : tags) {
    const auto *v2 = v2_of(tag);
    const auto *v1 = v1_of(tag);
    if ((v2 && v2->limit == 0) || (v1 && v1->concurrency_limit == 0)) {
      return locked(zero_limit_message(tag), std::nullopt);
    }
  }
  std::vector<const ConcurrencyLimitV2Row *> v2_to_acquire;
  std::vector<ConcurrencyLimitV1Row *> v1_to_acquire;
  for (const auto &tag : tags) {
    const auto *v2 = v2_of(tag);
    auto *v1 = v1_of(tag);
    if (v2 && v2->active) {
      v2_to_acquire.push_back(v2);
    } else if (v1) {
      if (static_cast<int64_t>(v1->active_slots.size()) >= v1->concurrency_limit) {
        return locked("Concurrency limit for the " + tag + " tag has been reached", retry_after);
      }
      v1_to_acquire.push_back(v1);
    }
  }

  rapidjson::Document response;
  auto &allocator = response.GetAllocator();
  response.SetArray();
  std::vector<Uuid> acquired_ids;
  for (const auto *limit : v2_to_acquire) acquired_ids.push_back(limit->id);
  if (!acquired_ids.empty()) {
    if (!increment_concurrency_slots_v2(database, session, acquired_ids, 1, call.server.slot_waits)) {
      // Prefect names the first tag it acquires, whichever limit was full.
      return locked("Concurrency limit for the " + v2_to_acquire.front()->name.substr(4) + " tag has been reached",
                    retry_after);
    }
    for (const auto *limit : v2_to_acquire) {
      response.PushBack(minimal_concurrency_limit_json(limit->id, limit->name.substr(4), limit->limit, allocator),
                        allocator);
    }
  }
  const std::string run_id = task_run_id.to_string();
  for (auto *row : v1_to_acquire) {
    if (std::find(row->active_slots.begin(), row->active_slots.end(), run_id) == row->active_slots.end()) {
      row->active_slots.push_back(run_id);
    }
    write_concurrency_limit_v1_slots(database, session, row->tag, row->active_slots);
    response.PushBack(minimal_concurrency_limit_json(row->id, row->tag, row->concurrency_limit, allocator), allocator);
  }
  transaction.commit();
  if (!acquired_ids.empty()) {
    call.server.leases.create(acquired_ids, kTaskTagLeaseTtlSeconds, 1,
                              ConcurrencyLeaseHolder{"task_run", task_run_id});
  }
  return {200, to_json(response)};
}

HttpResponse decrement(const RouteCall &call) {
  const auto tags = string_array(call.body["names"]);
  const Uuid task_run_id = *Uuid::parse(call.body["task_run_id"].GetString());
  std::vector<std::string> v2_names;
  for (const auto &tag : tags) v2_names.push_back(v2_name(tag));
  ConcurrencyLeaseStorage &leases = call.server.leases;

  DatabaseInterface &database = call.server.database;
  Session session = database.session();
  Transaction transaction(session, PD_TRANSACTION_WRITE);
  const auto v2_limits = read_concurrency_limits_v2_named(database, session, v2_names);
  std::set<Uuid> lease_ids;
  for (const auto &limit : v2_limits) {
    for (const auto &[lease_id, holder] : leases.holders_for_limit(limit.id)) {
      if (holder.id == task_run_id) lease_ids.insert(lease_id);
    }
  }
  std::vector<StoredLease> released;
  for (const Uuid &lease_id : lease_ids) {
    if (auto lease = leases.take(lease_id)) released.push_back(std::move(*lease));
  }
  // The leases are taken first so that no other release counts them again;
  // they come back if this transaction does not commit.
  struct RestoreUnlessCommitted {
    ConcurrencyLeaseStorage &leases;
    std::vector<StoredLease> &taken;
    bool committed = false;
    ~RestoreUnlessCommitted() {
      if (!committed)
        for (auto &lease : taken) leases.restore(lease);
    }
  } restore_guard{leases, released};
  for (const StoredLease &lease : released) {
    decrement_concurrency_slots_v2(database, session, lease.resource_ids, lease.slots, std::nullopt,
                                   call.server.slot_waits);
  }
  rapidjson::Document response;
  auto &allocator = response.GetAllocator();
  response.SetArray();
  std::set<std::string> v2_tags;
  for (const auto &limit : v2_limits) {
    v2_tags.insert(limit.name.substr(4));
    response.PushBack(minimal_concurrency_limit_json(limit.id, limit.name, limit.limit, allocator), allocator);
  }
  const std::string run_id = task_run_id.to_string();
  for (auto &row : read_concurrency_limits_v1_for_tags(database, session, tags)) {
    if (v2_tags.contains(row.tag)) continue;
    auto slot = std::find(row.active_slots.begin(), row.active_slots.end(), run_id);
    if (slot == row.active_slots.end()) continue;
    row.active_slots.erase(slot);
    write_concurrency_limit_v1_slots(database, session, row.tag, row.active_slots);
    response.PushBack(minimal_concurrency_limit_json(row.id, row.tag, row.concurrency_limit, allocator), allocator);
  }
  transaction.commit();
  restore_guard.committed = true;
  return {200, to_json(response)};
}

}  // namespace

void register_concurrency_limit_routes(Router &router) {
  router.add({"POST", "/concurrency_limits/", create});
  router.add({"POST", "/concurrency_limits/filter", filter});
  router.add({"POST", "/concurrency_limits/increment", increment});
  router.add({"POST", "/concurrency_limits/decrement", decrement});
  router.add({"GET", "/concurrency_limits/{id:uuid}", read});
  router.add({"DELETE", "/concurrency_limits/{id:uuid}", remove});
  router.add({"GET", "/concurrency_limits/tag/{tag}", read_by_tag});
  router.add({"DELETE", "/concurrency_limits/tag/{tag}", remove_by_tag});
  router.add({"POST", "/concurrency_limits/tag/{tag}/reset", reset_by_tag});
}

}  // namespace prefectd
