// Block document reads by type slug and name (issue 5's target: at least
// 10,000 reads per second), against any Prefect-compatible server at --url.
// It registers a block type, a schema with a secret field and one document,
// then reads that document from --threads keep-alive clients.
//
//   block_read_bench --url http://127.0.0.1:4200/api [--threads 8] [--seconds 10]
#include "bench_client.h"

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

using bench::Client;
using bench::id_of;

}  // namespace

int main(int argc, char **argv) {
  std::string url = "http://127.0.0.1:4200/api";
  int threads = 8;
  double seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--url") url = argv[i + 1];
    if (flag == "--threads") threads = std::atoi(argv[i + 1]);
    if (flag == "--seconds") seconds = std::atof(argv[i + 1]);
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Client setup;
  // Reuse the type when the server already has it (a second run).
  std::string type_id;
  if (setup.get(url + "/block_types/slug/bench-creds") == 200) {
    type_id = id_of(setup.body());
  } else if (setup.post(url + "/block_types/", R"({"name": "Bench Creds", "slug": "bench-creds"})") == 201) {
    type_id = id_of(setup.body());
  } else {
    std::fprintf(stderr, "cannot create a block type at %s: %s\n", url.c_str(), setup.body().c_str());
    return 1;
  }
  setup.post(
      url + "/block_schemas/",
      R"({"block_type_id": ")" + type_id +
          R"(", "fields": {"title": "BenchCreds", "type": "object", "properties": {"user": {"type": "string"}, "password": {"type": "string"}}, "secret_fields": ["password"]}})");
  const std::string schema_id = id_of(setup.body());
  setup.post(url + "/block_documents/", R"({"name": "bench", "block_type_id": ")" + type_id +
                                            R"(", "block_schema_id": ")" + schema_id +
                                            R"(", "data": {"user": "etl", "password": "hunter2"}})");
  const std::string read_url = url + "/block_types/slug/bench-creds/block_documents/name/bench";
  if (setup.get(read_url) != 200) {
    std::fprintf(stderr, "cannot read the document back: %s\n", setup.body().c_str());
    return 1;
  }

  std::atomic<long> reads{0}, failures{0};
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      Client client;
      while (Clock::now() < deadline) (client.get(read_url) == 200 ? reads : failures)++;
    });
  }
  for (auto &worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("%-32s %10.0f reads/s  (%ld in %.1f s, %ld failed)\n", "block document by slug+name",
              static_cast<double>(reads.load()) / elapsed, reads.load(), elapsed, failures.load());
  curl_global_cleanup();
  return 0;
}
