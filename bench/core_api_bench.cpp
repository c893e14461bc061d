// Load generator for the core run API (issue 4's performance figures):
// drives any Prefect-compatible server at --url with keep-alive libcurl
// clients, one per thread, and prints one line per workload.
//
//   core_api_bench --url http://127.0.0.1:4200/api [--threads 8] [--seconds 10]
//                  [--filter-runs 100000] [--pid <server pid for RSS>]
//                  [--mode all|concurrency]
// `--mode concurrency` runs only the global-limit workloads: v2 increment +
// decrement pairs on a limit with a slot per client, with and without a lease.
#include "bench_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using bench::Client;
using bench::id_of;
using bench::string_member;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string url = "http://127.0.0.1:4200/api";
  int threads = 8;
  double seconds = 10;
  int filter_runs = 100000;
  int filter_samples = 200;
  long pid = 0;
  std::string mode = "all";
};

std::string lease_id_of(const std::string &json) {
  return string_member(json, "lease_id");
}

// Ids handed from one workload to the next.
class IdPool {
 public:
  void add(std::string id) {
    std::lock_guard lock(mutex_);
    ids_.push_back(std::move(id));
  }
  std::optional<std::string> take() {
    std::lock_guard lock(mutex_);
    if (ids_.empty()) return std::nullopt;
    std::string id = std::move(ids_.back());
    ids_.pop_back();
    return id;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> ids_;
};
// What a step returns when it has nothing left to work on.
constexpr long kExhausted = -2;
struct Outcome {
  long operations = 0;
  long failures = 0;
  double seconds = 0;
};

// Runs `step` on every thread until the time is up (or the step reports
// kExhausted); `step` returns how many operations it completed, or -1 on a
// failure.
Outcome run_for(const Options &options, const std::function<long(Client &)> &step) {
  std::atomic<long> operations{0}, failures{0};
  const auto deadline = Clock::now() + std::chrono::duration<double>(options.seconds);
  const auto started = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < options.threads; ++t) {
    threads.emplace_back([&] {
      Client client;
      while (Clock::now() < deadline) {
        long done = step(client);
        if (done == kExhausted) break;
        if (done < 0) {
          ++failures;
        } else {
          operations += done;
        }
      }
    });
  }
  for (auto &thread : threads) thread.join();
  return {operations.load(), failures.load(), std::chrono::duration<double>(Clock::now() - started).count()};
}

void report(const char *name, const Outcome &outcome, const char *unit) {
  std::printf("%-32s %10.0f %s/s  (%ld in %.1f s, %ld failed)\n", name,
              static_cast<double>(outcome.operations) / outcome.seconds, unit, outcome.operations, outcome.seconds,
              outcome.failures);
  std::fflush(stdout);
}

std::string state(const char *type) {
  return std::string(R"({"state": {"type": ")") + type + R"("}, "force": false})";
}

long rss_kib(long pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

// A slot per client, so every increment should succeed: the figure is the
// cost of the atomic UPDATE and its HTTP round trips, not of waiting.
int run_concurrency_workloads(const Options &options, Client &setup) {
  const std::string name = "bench-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  if (setup.post(options.url + "/v2/concurrency_limits/",
                 R"({"name": ")" + name + R"(", "limit": )" + std::to_string(options.threads) + "}") != 201) {
    std::fprintf(stderr, "cannot create a limit at %s: %s\n", options.url.c_str(), setup.body().c_str());
    return 1;
  }
  const std::string slot = R"({"names": [")" + name + R"("], "slots": 1})";
  report("v2 increment + decrement",
         run_for(options,
                 [&](Client &client) {
                   if (client.post(options.url + "/v2/concurrency_limits/increment", slot) != 200) return -1L;
                   return client.post(options.url + "/v2/concurrency_limits/decrement", slot) == 200 ? 1L : -1L;
                 }),
         "pairs");
  const std::string leased = R"({"names": [")" + name + R"("], "slots": 1, "lease_duration": 60})";
  report("v2 increment + decrement, lease",
         run_for(options,
                 [&](Client &client) {
                   if (client.post(options.url + "/v2/concurrency_limits/increment-with-lease", leased) != 200)
                     return -1L;
                   const std::string release = R"({"lease_id": ")" + lease_id_of(client.body()) + R"("})";
                   return client.post(options.url + "/v2/concurrency_limits/decrement-with-lease", release) == 204
                              ? 1L
                              : -1L;
                 }),
         "pairs");
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char *value = argv[i + 1];
    if (flag == "--url") options.url = value;
    if (flag == "--threads") options.threads = std::atoi(value);
    if (flag == "--seconds") options.seconds = std::atof(value);
    if (flag == "--filter-runs") options.filter_runs = std::atoi(value);
    if (flag == "--pid") options.pid = std::atol(value);
    if (flag == "--mode") options.mode = value;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Client setup;
  if (options.mode == "concurrency") return run_concurrency_workloads(options, setup);
  if (setup.post(options.url + "/flows/", R"({"name": "bench-flow"})") / 100 != 2) {
    std::fprintf(stderr, "cannot create a flow at %s: %s\n", options.url.c_str(), setup.body().c_str());
    return 1;
  }
  const std::string flow_id = id_of(setup.body());
  const std::string create_body = R"({"flow_id": ")" + flow_id + R"(", "state": {"type": "PENDING"}})";

  IdPool pending_runs;
  report("flow-run create",
         run_for(options,
                 [&](Client &client) {
                   if (client.post(options.url + "/flow_runs/", create_body) != 201) return -1L;
                   pending_runs.add(id_of(client.body()));
                   return 1L;
                 }),
         "runs");

  // Each pass takes a PENDING run the create workload left and proposes
  // RUNNING, then COMPLETED: set_state alone is timed. Runs run out only
  // when transitions outpace creates more than twice over; the figure is
  // then taken over the shorter time.
  report("flow-run set_state",
         run_for(options,
                 [&](Client &client) {
                   const std::optional<std::string> id = pending_runs.take();
                   if (!id) return kExhausted;
                   const std::string url = options.url + "/flow_runs/" + *id + "/set_state";
                   if (client.post(url, state("RUNNING")) != 201) return -1L;
                   return client.post(url, state("COMPLETED")) == 201 ? 2L : -1L;
                 }),
         "transitions");

  // One running flow run hosts every task run.
  setup.post(options.url + "/flow_runs/", create_body);
  const std::string host_run = id_of(setup.body());
  setup.post(options.url + "/flow_runs/" + host_run + "/set_state", state("RUNNING"));
  std::atomic<long> task_number{0};
  report("task-run create + 3 states",
         run_for(options,
                 [&](Client &client) {
                   const std::string body = R"({"flow_run_id": ")" + host_run +
                                            R"(", "task_key": "bench", "dynamic_key": ")" +
                                            std::to_string(task_number++) + R"(", "state": {"type": "PENDING"}})";
                   if (client.post(options.url + "/task_runs/", body) != 201) return -1L;
                   const std::string url = options.url + "/task_runs/" + id_of(client.body()) + "/set_state";
                   if (client.post(url, state("RUNNING")) != 201) return -1L;
                   return client.post(url, state("COMPLETED")) == 201 ? 1L : -1L;
                 }),
         "task runs");

  std::string batch = "[";
  for (int i = 0; i < 200; ++i) {
    if (i > 0) batch += ",";
    batch += R"({"name": "bench", "level": 20, "message": "log line )" + std::to_string(i) +
             R"( with some ordinary text in it", "timestamp": "2026-01-01T00:00:00Z", "flow_run_id": ")" + host_run +
             "\"}";
  }
  batch += "]";
  report(
      "log ingest (batches of 200)",
      run_for(options, [&](Client &client) { return client.post(options.url + "/logs/", batch) == 201 ? 200L : -1L; }),
      "lines");

  if (options.filter_runs > 0) {
    // Top up to the target number of runs, then time the filter alone.
    setup.post(options.url + "/flow_runs/count", "{}");
    long existing = std::atol(setup.body().c_str());
    std::atomic<long> remaining{std::max(0L, options.filter_runs - existing)};
    std::vector<std::thread> fillers;
    for (int t = 0; t < options.threads; ++t) {
      fillers.emplace_back([&] {
        Client client;
        while (remaining-- > 0) client.post(options.url + "/flow_runs/", create_body);
      });
    }
    for (auto &filler : fillers) filler.join();
    std::vector<double> samples;
    for (int i = 0; i < options.filter_samples; ++i) {
      const auto started = Clock::now();
      if (setup.post(options.url + "/flow_runs/filter", R"({"limit": 200})") != 200) {
        std::fprintf(stderr, "filter failed: %s\n", setup.body().substr(0, 300).c_str());
        break;
      }
      samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
    }
    if (!samples.empty()) {
      std::sort(samples.begin(), samples.end());
      setup.post(options.url + "/flow_runs/count", "{}");
      std::printf("%-32s %10.2f ms median (p95 %.2f ms, %zu samples, %s runs)\n", "flow_runs/filter limit 200",
                  samples[samples.size() / 2], samples[samples.size() * 95 / 100], samples.size(),
                  setup.body().c_str());
    }
  }
  if (options.pid > 0)
    std::printf("%-32s %10.1f MiB\n", "server RSS", static_cast<double>(rss_kib(options.pid)) / 1024);
  curl_global_cleanup();
  return 0;
}
