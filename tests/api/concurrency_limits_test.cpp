// /concurrency_limits (v1, on v2 "tag:" limits) and /v2/concurrency_limits
// over HTTP on each backend: every route's success and failure, slots under
// contention, and task runs held back by tag limits through set_state.
#include "database/session.h"
#include "support/run_api_test.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace prefectd {
namespace {

using namespace testing_support;

constexpr const char *kTaskRunId = "2b0e8f0e-5a5e-4c1c-9e0e-1a2b3c4d5e6f";

class ConcurrencyLimits : public RunApiTest {
 protected:
  // Successes and request validation are checked against the contract;
  // the contract documents no other status of these routes, so refusals
  // (404, 409, 410, 423, route-level 422) are checked for Prefect's
  // {"detail": "..."} shape instead.
  JsonAnswer call(const std::string &method, const std::string &path, const std::string &path_template,
                  const std::string &body = "") {
    HttpResult result = method == "GET" ? get(path) : send(method, path, body);
    check_answer(method, path_template, result);
    JsonAnswer answer;
    answer.status = result.status;
    answer.body = result.body;
    if (!result.body.empty()) answer.json = parse_json(result.body);
    return answer;
  }
  void check_answer(const std::string &method, const std::string &path_template, const HttpResult &result) {
    rapidjson::Document body;
    if (result.status >= 300) body.Parse(result.body.c_str());
    const bool validation_error = result.status == 422 && body.IsObject() && body.HasMember("exception_detail");
    if (result.status < 300 || validation_error) {
      expect_contract(method, path_template, result);
      return;
    }
    ASSERT_TRUE(body.IsObject() && body.HasMember("detail") && body["detail"].IsString()) << result.body;
  }
  JsonAnswer create_v2(const std::string &body) {
    return call("POST", "/v2/concurrency_limits/", "/v2/concurrency_limits/", body);
  }
  JsonAnswer read_v2(const std::string &id_or_name) {
    return call("GET", "/v2/concurrency_limits/" + id_or_name, "/v2/concurrency_limits/{id_or_name}");
  }
  HttpResult increment_v2(const std::string &body) {
    HttpResult result = send("POST", "/v2/concurrency_limits/increment", body);
    check_answer("POST", "/v2/concurrency_limits/increment", result);
    return result;
  }
  JsonAnswer create_v1(const std::string &tag, int limit) {
    return call("POST", "/concurrency_limits/", "/concurrency_limits/",
                R"({"tag": ")" + tag + R"(", "concurrency_limit": )" + std::to_string(limit) + "}");
  }
  HttpResult increment_v1(const std::string &tag, const std::string &task_run_id = kTaskRunId) {
    HttpResult result = send("POST", "/concurrency_limits/increment",
                             R"({"names": [")" + tag + R"("], "task_run_id": ")" + task_run_id + R"("})");
    check_answer("POST", "/concurrency_limits/increment", result);
    return result;
  }
};

// ---------------------------------------------------------------- v2 CRUD

TEST_P(ConcurrencyLimits, V2CreateReadAndDuplicate) {
  JsonAnswer created = create_v2(R"({"name": "db", "limit": 3})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["active_slots"].GetInt(), 0);
  EXPECT_EQ(created.json["denied_slots"].GetInt(), 0);
  EXPECT_EQ(created.json["avg_slot_occupancy_seconds"].GetDouble(), 2.0);
  EXPECT_TRUE(created.json["active"].GetBool());
  const std::string id = created.json["id"].GetString();

  JsonAnswer by_id = read_v2(id);
  EXPECT_EQ(by_id.status, 200);
  EXPECT_STREQ(by_id.json["name"].GetString(), "db");
  EXPECT_FALSE(by_id.json.HasMember("denied_slots")) << "GlobalConcurrencyLimitResponse";
  EXPECT_EQ(read_v2("db").json["id"].GetString(), id);

  JsonAnswer duplicate = create_v2(R"({"name": "db", "limit": 1})");
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(create_v2(R"({"name": "bad/name", "limit": 1})").status, 422);
  JsonAnswer missing = read_v2("nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_STREQ(missing.json["detail"].GetString(), "Concurrency Limit not found");
  EXPECT_EQ(read_v2("7d5a1a40-7f5c-4b3a-9d44-5a1c1f7c0d11").status, 404);
}

TEST_P(ConcurrencyLimits, V2PatchAppliesTheFieldsSent) {
  const std::string id = create_v2(R"({"name": "db", "limit": 3})").json["id"].GetString();
  JsonAnswer patched = call("PATCH", "/v2/concurrency_limits/db", "/v2/concurrency_limits/{id_or_name}",
                            R"({"limit": 7, "active": false})");
  EXPECT_EQ(patched.status, 204) << patched.body;
  JsonAnswer read = read_v2(id);
  EXPECT_EQ(read.json["limit"].GetInt(), 7);
  EXPECT_FALSE(read.json["active"].GetBool());
  EXPECT_STREQ(read.json["name"].GetString(), "db");
  EXPECT_EQ(
      call("PATCH", "/v2/concurrency_limits/" + id, "/v2/concurrency_limits/{id_or_name}", R"({"name": "pg"})").status,
      204);
  EXPECT_EQ(read_v2("pg").status, 200);
  EXPECT_EQ(
      call("PATCH", "/v2/concurrency_limits/none", "/v2/concurrency_limits/{id_or_name}", R"({"limit": 1})").status,
      404);
  EXPECT_EQ(
      call("PATCH", "/v2/concurrency_limits/pg", "/v2/concurrency_limits/{id_or_name}", R"({"limit": -1})").status,
      422);
}

TEST_P(ConcurrencyLimits, V2DeleteByIdOrName) {
  const std::string id = create_v2(R"({"name": "a", "limit": 1})").json["id"].GetString();
  create_v2(R"({"name": "b", "limit": 1})");
  EXPECT_EQ(call("DELETE", "/v2/concurrency_limits/" + id, "/v2/concurrency_limits/{id_or_name}").status, 204);
  EXPECT_EQ(call("DELETE", "/v2/concurrency_limits/b", "/v2/concurrency_limits/{id_or_name}").status, 204);
  JsonAnswer again = call("DELETE", "/v2/concurrency_limits/b", "/v2/concurrency_limits/{id_or_name}");
  EXPECT_EQ(again.status, 404);
  EXPECT_STREQ(again.json["detail"].GetString(), "Concurrency Limit not found");
}

TEST_P(ConcurrencyLimits, V2FilterPagesByName) {
  for (const char *name : {"c", "a", "b"}) create_v2(std::string(R"({"name": ")") + name + R"(", "limit": 1})");
  JsonAnswer all = call("POST", "/v2/concurrency_limits/filter", "/v2/concurrency_limits/filter", "{}");
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.json.Size(), 3u);
  EXPECT_STREQ(all.json[0]["name"].GetString(), "a");
  EXPECT_STREQ(all.json[2]["name"].GetString(), "c");
  JsonAnswer page =
      call("POST", "/v2/concurrency_limits/filter", "/v2/concurrency_limits/filter", R"({"limit": 1, "offset": 1})");
  ASSERT_EQ(page.json.Size(), 1u);
  EXPECT_STREQ(page.json[0]["name"].GetString(), "b");
  EXPECT_EQ(call("POST", "/v2/concurrency_limits/filter", "/v2/concurrency_limits/filter", R"({"offset": -1})").status,
            422);
}

// ---------------------------------------------------------------- v2 slots

TEST_P(ConcurrencyLimits, V2IncrementUntilLockedThenDecrement) {
  create_v2(R"({"name": "db", "limit": 2})");
  EXPECT_EQ(increment_v2(R"({"names": ["db"], "slots": 2})").status, 200);
  HttpResult locked = increment_v2(R"({"names": ["db"], "slots": 1})");
  EXPECT_EQ(locked.status, 423);
  EXPECT_EQ(parse_json(locked.body)["detail"], "Locked");
  ASSERT_TRUE(locked.headers.contains("retry-after"));
  // avg occupancy 2 s × (1 + 0 denied)/2 = 1 s, jittered up to 1.3 s.
  const double retry_after = std::stod(locked.headers["retry-after"]);
  EXPECT_GT(retry_after, 0.0);
  EXPECT_LE(retry_after, 1.3);
  JsonAnswer read = read_v2("db");
  EXPECT_EQ(read.json["active_slots"].GetInt(), 2);

  JsonAnswer released = call("POST", "/v2/concurrency_limits/decrement", "/v2/concurrency_limits/decrement",
                             R"({"names": ["db", "unknown"], "slots": 1, "occupancy_seconds": 4})");
  ASSERT_EQ(released.status, 200) << released.body;
  ASSERT_EQ(released.json.Size(), 1u);
  EXPECT_STREQ(released.json[0]["name"].GetString(), "db");
  EXPECT_EQ(read_v2("db").json["active_slots"].GetInt(), 1);
  EXPECT_EQ(increment_v2(R"({"names": ["db"], "slots": 1})").status, 200);
}

TEST_P(ConcurrencyLimits, V2IncrementRefusesImpossibleRequests) {
  create_v2(R"({"name": "db", "limit": 2})");
  HttpResult too_many = increment_v2(R"({"names": ["db"], "slots": 3})");
  EXPECT_EQ(too_many.status, 422);
  EXPECT_EQ(parse_json(too_many.body)["detail"], "Slots requested is greater than the limit");
  HttpResult rate = increment_v2(R"({"names": ["db"], "slots": 1, "mode": "rate_limit"})");
  EXPECT_EQ(rate.status, 422);
  EXPECT_EQ(parse_json(rate.body)["detail"],
            "Only concurrency limits with slot decay can be used for rate limiting. The following limits do not "
            "have a decay configured: 'db'");
  EXPECT_EQ(increment_v2(R"({"names": ["db"], "slots": 0})").status, 422);
  // `min_items=1` reaches the contract only as an unenforced extra, so
  // Prefect takes no names as nothing to take.
  EXPECT_EQ(increment_v2(R"({"names": [], "slots": 1})").status, 200);
  HttpResult unknown = increment_v2(R"({"names": ["nothing"], "slots": 1})");
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(unknown.body, "[]");
}

TEST_P(ConcurrencyLimits, V2RateLimitDecays) {
  create_v2(R"({"name": "rate", "limit": 1, "slot_decay_per_second": 5})");
  EXPECT_EQ(increment_v2(R"({"names": ["rate"], "slots": 1, "mode": "rate_limit"})").status, 200);
  HttpResult locked = increment_v2(R"({"names": ["rate"], "slots": 1, "mode": "rate_limit"})");
  if (locked.status == 423) {
    // (1 / decay) × (1 + 0 denied) = 0.2 s, jittered.
    EXPECT_LE(std::stod(locked.headers["retry-after"]), 0.26 + 1e-9);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(increment_v2(R"({"names": ["rate"], "slots": 1, "mode": "rate_limit"})").status, 200);
}

TEST_P(ConcurrencyLimits, V2LeaseLifecycle) {
  create_v2(R"({"name": "db", "limit": 1})");
  JsonAnswer leased =
      call("POST", "/v2/concurrency_limits/increment-with-lease", "/v2/concurrency_limits/increment-with-lease",
           R"({"names": ["db", "ghost"], "slots": 1, "lease_duration": 60,
                               "holder": {"type": "task_run", "id": ")" +
               std::string(kTaskRunId) + R"("}})");
  ASSERT_EQ(leased.status, 200) << leased.body;
  const std::string lease_id = leased.json["lease_id"].GetString();
  ASSERT_EQ(leased.json["limits"].Size(), 1u);
  EXPECT_EQ(read_v2("db").json["active_slots"].GetInt(), 1);
  EXPECT_EQ(call("POST", "/v2/concurrency_limits/increment-with-lease", "/v2/concurrency_limits/increment-with-lease",
                 R"({"names": ["db"], "slots": 1})")
                .status,
            423);
  EXPECT_EQ(call("POST", "/v2/concurrency_limits/increment-with-lease", "/v2/concurrency_limits/increment-with-lease",
                 R"({"names": ["db"], "slots": 1, "lease_duration": 30})")
                .status,
            422);

  const std::string renew_path = "/v2/concurrency_limits/leases/" + lease_id + "/renew";
  EXPECT_EQ(
      call("POST", renew_path, "/v2/concurrency_limits/leases/{lease_id}/renew", R"({"lease_duration": 120})").status,
      204);
  EXPECT_EQ(call("POST", "/v2/concurrency_limits/decrement-with-lease", "/v2/concurrency_limits/decrement-with-lease",
                 R"({"lease_id": ")" + lease_id + R"("})")
                .status,
            204);
  EXPECT_EQ(read_v2("db").json["active_slots"].GetInt(), 0);
  JsonAnswer gone = call("POST", renew_path, "/v2/concurrency_limits/leases/{lease_id}/renew", "{}");
  EXPECT_EQ(gone.status, 410);
  EXPECT_STREQ(gone.json["detail"].GetString(), "Lease not found - it may have expired or been revoked");
  // Releasing a lease twice (or one never known) changes nothing.
  EXPECT_EQ(call("POST", "/v2/concurrency_limits/decrement-with-lease", "/v2/concurrency_limits/decrement-with-lease",
                 R"({"lease_id": ")" + lease_id + R"("})")
                .status,
            204);
  EXPECT_EQ(read_v2("db").json["active_slots"].GetInt(), 0);

  JsonAnswer nothing = call("POST", "/v2/concurrency_limits/increment-with-lease",
                            "/v2/concurrency_limits/increment-with-lease", R"({"names": ["ghost"], "slots": 1})");
  EXPECT_EQ(nothing.status, 200);
  EXPECT_EQ(nothing.json["limits"].Size(), 0u);
}

// ---------------------------------------------------------------- v1 adapter

TEST_P(ConcurrencyLimits, V1CreateUpsertsATagLimit) {
  JsonAnswer created = create_v1("db", 2);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_STREQ(created.json["tag"].GetString(), "db");
  EXPECT_EQ(created.json["concurrency_limit"].GetInt(), 2);
  EXPECT_EQ(created.json["active_slots"].Size(), 0u);
  JsonAnswer updated = create_v1("db", 4);
  EXPECT_EQ(updated.status, 200);
  EXPECT_STREQ(updated.json["id"].GetString(), created.json["id"].GetString());
  EXPECT_EQ(read_v2("tag:db").json["limit"].GetInt(), 4) << "stored as the v2 limit tag:db";
  EXPECT_EQ(call("POST", "/concurrency_limits/", "/concurrency_limits/", R"({"tag": "x"})").status, 422);
}

TEST_P(ConcurrencyLimits, V1ReadByIdAndTag) {
  const std::string id = create_v1("db", 2).json["id"].GetString();
  JsonAnswer by_id = call("GET", "/concurrency_limits/" + id, "/concurrency_limits/{id}");
  EXPECT_EQ(by_id.status, 200);
  EXPECT_STREQ(by_id.json["tag"].GetString(), "db");
  JsonAnswer by_tag = call("GET", "/concurrency_limits/tag/db", "/concurrency_limits/tag/{tag}");
  EXPECT_STREQ(by_tag.json["id"].GetString(), id.c_str());
  JsonAnswer missing = call("GET", "/concurrency_limits/tag/none", "/concurrency_limits/tag/{tag}");
  EXPECT_EQ(missing.status, 404);
  EXPECT_STREQ(missing.json["detail"].GetString(), "Concurrency limit not found");
  // A v2 limit that is not a tag limit has no v1 view.
  const std::string global = create_v2(R"({"name": "global", "limit": 1})").json["id"].GetString();
  EXPECT_EQ(call("GET", "/concurrency_limits/" + global, "/concurrency_limits/{id}").status, 404);
}

TEST_P(ConcurrencyLimits, V1LegacyRowsAreStillRead) {
  {
    auto database = scratch_->open();
    Session session = database->session();
    session
        .prepare("INSERT INTO concurrency_limit (id, created, updated, tag, concurrency_limit, active_slots) VALUES (" +
                 database->queries().placeholder_list(1, 5) + ", '[]')")
        .bind(1, Uuid::v4())
        .bind(2, Timestamp::now())
        .bind(3, Timestamp::now())
        .bind(4, "old")
        .bind(5, 1)
        .execute();
  }
  create_v1("new", 1);
  JsonAnswer legacy = call("GET", "/concurrency_limits/tag/old", "/concurrency_limits/tag/{tag}");
  EXPECT_EQ(legacy.status, 200);
  JsonAnswer all = call("POST", "/concurrency_limits/filter", "/concurrency_limits/filter", "{}");
  ASSERT_EQ(all.json.Size(), 2u);
  EXPECT_STREQ(all.json[0]["tag"].GetString(), "new") << "converted tag: limits come first";
  EXPECT_STREQ(all.json[1]["tag"].GetString(), "old");
  JsonAnswer page = call("POST", "/concurrency_limits/filter", "/concurrency_limits/filter", R"({"offset": 1})");
  ASSERT_EQ(page.json.Size(), 1u);

  EXPECT_EQ(increment_v1("old").status, 200);
  HttpResult full = increment_v1("old", "0c7f5c2e-1111-4a3b-9d44-5a1c1f7c0d11");
  EXPECT_EQ(full.status, 423);
  EXPECT_EQ(parse_json(full.body)["detail"], "Concurrency limit for the old tag has been reached");
  JsonAnswer released = call("POST", "/concurrency_limits/decrement", "/concurrency_limits/decrement",
                             R"({"names": ["old"], "task_run_id": ")" + std::string(kTaskRunId) + R"("})");
  ASSERT_EQ(released.json.Size(), 1u);
  EXPECT_EQ(call("GET", "/concurrency_limits/tag/old", "/concurrency_limits/tag/{tag}").json["active_slots"].Size(),
            0u);
  EXPECT_EQ(call("POST", "/concurrency_limits/tag/old/reset", "/concurrency_limits/tag/{tag}/reset",
                 R"({"slot_override": [")" + std::string(kTaskRunId) + R"("]})")
                .status,
            200);
  EXPECT_EQ(call("GET", "/concurrency_limits/tag/old", "/concurrency_limits/tag/{tag}").json["active_slots"].Size(),
            1u);
  EXPECT_EQ(call("DELETE", "/concurrency_limits/tag/old", "/concurrency_limits/tag/{tag}").status, 200);
  EXPECT_EQ(call("GET", "/concurrency_limits/tag/old", "/concurrency_limits/tag/{tag}").status, 404);
}

TEST_P(ConcurrencyLimits, V1IncrementHoldsASlotUntilDecrement) {
  create_v1("db", 1);
  HttpResult taken = increment_v1("db");
  ASSERT_EQ(taken.status, 200) << taken.body;
  rapidjson::Document limits = parse_json(taken.body);
  ASSERT_EQ(limits.Size(), 1u);
  EXPECT_STREQ(limits[0]["name"].GetString(), "db");
  JsonAnswer view = call("GET", "/concurrency_limits/tag/db", "/concurrency_limits/tag/{tag}");
  ASSERT_EQ(view.json["active_slots"].Size(), 1u);
  EXPECT_STREQ(view.json["active_slots"][0].GetString(), kTaskRunId);

  HttpResult full = increment_v1("db", "0c7f5c2e-1111-4a3b-9d44-5a1c1f7c0d11");
  EXPECT_EQ(full.status, 423);
  EXPECT_EQ(parse_json(full.body)["detail"], "Concurrency limit for the db tag has been reached");
  EXPECT_EQ(full.headers["retry-after"], "10.0");

  JsonAnswer released = call("POST", "/concurrency_limits/decrement", "/concurrency_limits/decrement",
                             R"({"names": ["db"], "task_run_id": ")" + std::string(kTaskRunId) + R"("})");
  ASSERT_EQ(released.status, 200);
  ASSERT_EQ(released.json.Size(), 1u);
  EXPECT_STREQ(released.json[0]["name"].GetString(), "tag:db");
  EXPECT_EQ(read_v2("tag:db").json["active_slots"].GetInt(), 0);
  EXPECT_EQ(increment_v1("db", "0c7f5c2e-1111-4a3b-9d44-5a1c1f7c0d11").status, 200);
}

TEST_P(ConcurrencyLimits, V1ZeroLimitIsLockedForGood) {
  create_v1("frozen", 0);
  HttpResult locked = increment_v1("frozen");
  EXPECT_EQ(locked.status, 423);
  EXPECT_EQ(parse_json(locked.body)["detail"],
            "The concurrency limit on tag \"frozen\" is 0 and will deadlock if the task tries to run again.");
  EXPECT_FALSE(locked.headers.contains("retry-after"));
}

TEST_P(ConcurrencyLimits, V1ResetRevokesLeasesAndReoccupies) {
  create_v1("db", 3);
  ASSERT_EQ(increment_v1("db").status, 200);
  EXPECT_EQ(call("POST", "/concurrency_limits/tag/db/reset", "/concurrency_limits/tag/{tag}/reset", "{}").status, 200);
  EXPECT_EQ(call("GET", "/concurrency_limits/tag/db", "/concurrency_limits/tag/{tag}").json["active_slots"].Size(), 0u);
  const std::string other = "0c7f5c2e-1111-4a3b-9d44-5a1c1f7c0d11";
  JsonAnswer reset = call("POST", "/concurrency_limits/tag/db/reset", "/concurrency_limits/tag/{tag}/reset",
                          R"({"slot_override": [")" + other + R"("]})");
  EXPECT_EQ(reset.status, 200);
  EXPECT_EQ(reset.body, "null");
  JsonAnswer view = call("GET", "/concurrency_limits/tag/db", "/concurrency_limits/tag/{tag}");
  ASSERT_EQ(view.json["active_slots"].Size(), 1u);
  EXPECT_EQ(view.json["active_slots"][0], other.c_str());
  EXPECT_EQ(call("POST", "/concurrency_limits/tag/none/reset", "/concurrency_limits/tag/{tag}/reset", "{}").status,
            404);
}

TEST_P(ConcurrencyLimits, V1DeleteByIdAndTag) {
  const std::string id = create_v1("a", 1).json["id"].GetString();
  create_v1("b", 1);
  JsonAnswer deleted = call("DELETE", "/concurrency_limits/" + id, "/concurrency_limits/{id}");
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.body, "null");
  EXPECT_EQ(call("DELETE", "/concurrency_limits/tag/b", "/concurrency_limits/tag/{tag}").status, 200);
  EXPECT_EQ(call("DELETE", "/concurrency_limits/" + id, "/concurrency_limits/{id}").status, 404);
  EXPECT_EQ(call("DELETE", "/concurrency_limits/tag/b", "/concurrency_limits/tag/{tag}").status, 404);
  EXPECT_EQ(read_v2("tag:a").status, 404);
}

// ---------------------------------------------------------------- contention

// 32 clients take and give back slots of a limit of 5 for 10 s, as the
// issue asks. Half use plain increments, half leases. A client counts its
// slot as held from the server's 200 until just before it asks to give it
// back, so the count can only understate what the server has granted: if
// it ever exceeds 5, the server granted more than 5.
TEST_P(ConcurrencyLimits, ThirtyTwoClientsNeverHoldMoreThanFiveSlots) {
  create_v2(R"({"name": "contended", "limit": 5})");
  const std::string api = server_->api_url();
  std::atomic<int> held{0};
  std::atomic<int> most_held{0};
  std::atomic<int> granted{0};
  std::atomic<int> refused{0};
  std::atomic<int> unexpected{0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<std::thread> clients;
  for (int client_index = 0; client_index < 32; ++client_index) {
    clients.emplace_back([&, with_lease = client_index % 2 == 1] {
      HttpClient client;
      while (std::chrono::steady_clock::now() < deadline) {
        HttpResult taken = with_lease ? client.request("POST", api + "/v2/concurrency_limits/increment-with-lease",
                                                       R"({"names": ["contended"], "slots": 1, "lease_duration": 60})")
                                      : client.request("POST", api + "/v2/concurrency_limits/increment",
                                                       R"({"names": ["contended"], "slots": 1})");
        if (taken.status == 423 || taken.status == 503) {
          ++refused;
          continue;
        }
        if (taken.status != 200) {
          ++unexpected;
          continue;
        }
        ++granted;
        const int now_held = ++held;
        int previous = most_held.load();
        while (now_held > previous && !most_held.compare_exchange_weak(previous, now_held)) {
        }
        --held;
        std::string lease_id;
        if (with_lease) lease_id = parse_json(taken.body)["lease_id"].GetString();
        for (int attempt = 0; attempt < 50; ++attempt) {
          HttpResult released = with_lease ? client.request("POST", api + "/v2/concurrency_limits/decrement-with-lease",
                                                            R"({"lease_id": ")" + lease_id + R"("})")
                                           : client.request("POST", api + "/v2/concurrency_limits/decrement",
                                                            R"({"names": ["contended"], "slots": 1})");
          if (released.status == 200 || released.status == 204) break;
          if (released.status != 503) {
            ++unexpected;
            break;
          }
        }
      }
    });
  }
  int most_reported = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    JsonAnswer limit = read_v2("contended");
    if (limit.status == 200) most_reported = std::max(most_reported, limit.json["active_slots"].GetInt());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto &client : clients) client.join();
  EXPECT_LE(most_held.load(), 5);
  EXPECT_LE(most_reported, 5);
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_GT(granted.load(), 0);
  EXPECT_GT(refused.load(), 0) << "32 clients on 5 slots must have been refused sometimes";
  EXPECT_EQ(read_v2("contended").json["active_slots"].GetInt(), 0) << "no slot leaked";
  RecordProperty("granted", granted.load());
  RecordProperty("refused", refused.load());
}

// ---------------------------------------------------------------- lease expiry

// The repossessor, on a 1 s loop, against a real server: two slots taken
// with the shortest lease the API allows (60 s) and abandoned stay held
// until the leases expire and are then given back within a few loops.
class LeaseExpiry : public ConcurrencyLimits {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!IsSkipped()) start({{"PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS", "1"}});
  }
};

TEST_P(LeaseExpiry, AbandonedLeasesAreReclaimedShortlyAfterTheyExpire) {
  using Clock = std::chrono::steady_clock;
  create_v2(R"({"name": "abandoned", "limit": 2})");
  const auto taken_at = Clock::now();
  std::vector<std::string> leases;
  for (int i = 0; i < 2; ++i) {
    JsonAnswer leased =
        call("POST", "/v2/concurrency_limits/increment-with-lease", "/v2/concurrency_limits/increment-with-lease",
             R"({"names": ["abandoned"], "slots": 1, "lease_duration": 60})");
    ASSERT_EQ(leased.status, 200) << leased.body;
    leases.push_back(leased.json["lease_id"].GetString());
  }
  const auto expiry = taken_at + std::chrono::seconds(60);
  ASSERT_EQ(read_v2("abandoned").json["active_slots"].GetInt(), 2);

  // Nothing may be reclaimed before the leases expire; after, within the
  // loop interval plus slack.
  std::optional<Clock::duration> freed_after_expiry;
  while (Clock::now() < expiry + std::chrono::seconds(15)) {
    const auto asked_at = Clock::now();
    const int active = read_v2("abandoned").json["active_slots"].GetInt();
    if (asked_at < expiry - std::chrono::seconds(1)) {
      ASSERT_EQ(active, 2) << "a lease was reclaimed before it expired";
    } else if (active == 0) {
      freed_after_expiry = asked_at - expiry;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_TRUE(freed_after_expiry) << "the slots of expired leases were not given back";
  EXPECT_LE(*freed_after_expiry, std::chrono::seconds(5));

  // The leases are gone; the freed slots can be taken again.
  for (const std::string &lease : leases) {
    JsonAnswer renew = call("POST", "/v2/concurrency_limits/leases/" + lease + "/renew",
                            "/v2/concurrency_limits/leases/{lease_id}/renew", "{}");
    EXPECT_EQ(renew.status, 410);
  }
  EXPECT_EQ(increment_v2(R"({"names": ["abandoned"], "slots": 2})").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseExpiry, testing::ValuesIn(backend_names()), backend_test_name);

// ---------------------------------------------------------------- orchestration

class TagLimitOrchestration : public ConcurrencyLimits {
 protected:
  std::string running_flow_run() {
    const std::string id = create_flow_run(create_flow()).json["id"].GetString();
    EXPECT_STREQ(set_flow_run_state(id, R"({"type": "RUNNING"})").json["status"].GetString(), "ACCEPT");
    return id;
  }
};

TEST_P(TagLimitOrchestration, AV2TagLimitHoldsATaskBackUntilTheHolderFinishes) {
  create_v1("db", 1);  // stored as the v2 limit tag:db
  const std::string flow_run = running_flow_run();
  const std::string first = create_task_run(flow_run, "a", R"("tags": ["db"])").json["id"].GetString();
  const std::string second = create_task_run(flow_run, "b", R"("tags": ["db"])").json["id"].GetString();
  EXPECT_STREQ(set_task_run_state(first, R"({"type": "RUNNING"})").json["status"].GetString(), "ACCEPT");
  JsonAnswer view = call("GET", "/concurrency_limits/tag/db", "/concurrency_limits/tag/{tag}");
  ASSERT_EQ(view.json["active_slots"].Size(), 1u);
  EXPECT_EQ(view.json["active_slots"][0], first.c_str());
  EXPECT_EQ(read_v2("tag:db").json["active_slots"].GetInt(), 1);

  JsonAnswer held = set_task_run_state(second, R"({"type": "RUNNING"})");
  EXPECT_STREQ(held.json["status"].GetString(), "WAIT") << held.body;
  EXPECT_STREQ(held.json["details"]["reason"].GetString(), "Concurrency limit reached for tags: db");
  EXPECT_EQ(read_v2("tag:db").json["active_slots"].GetInt(), 1) << "the refused task took nothing";

  EXPECT_STREQ(set_task_run_state(first, R"({"type": "COMPLETED"})").json["status"].GetString(), "ACCEPT");
  EXPECT_EQ(read_v2("tag:db").json["active_slots"].GetInt(), 0);
  EXPECT_STREQ(set_task_run_state(second, R"({"type": "RUNNING"})").json["status"].GetString(), "ACCEPT");
  EXPECT_STREQ(set_task_run_state(second, R"({"type": "FAILED"})").json["status"].GetString(), "ACCEPT");
  EXPECT_EQ(read_v2("tag:db").json["active_slots"].GetInt(), 0);
}

TEST_P(TagLimitOrchestration, AZeroV2TagLimitAbortsTheTask) {
  create_v2(R"({"name": "tag:frozen", "limit": 0})");
  const std::string flow_run = running_flow_run();
  const std::string task = create_task_run(flow_run, "a", R"("tags": ["frozen"])").json["id"].GetString();
  JsonAnswer aborted = set_task_run_state(task, R"({"type": "RUNNING"})");
  EXPECT_STREQ(aborted.json["status"].GetString(), "ABORT");
  EXPECT_STREQ(aborted.json["details"]["reason"].GetString(),
               "The concurrency limit on tag \"frozen\" is 0 and will deadlock if the task tries to run again.");
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrencyLimits, testing::ValuesIn(backend_names()), backend_test_name);
INSTANTIATE_TEST_SUITE_P(Backends, TagLimitOrchestration, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
