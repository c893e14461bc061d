// The load generators' HTTP client: one libcurl handle per thread, kept
// alive between requests, JSON in and out.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

namespace bench {

class Client {
 public:
  Client();
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;
  ~Client();

  // Each returns the status (0 when no answer came); the answer is in body().
  long post(const std::string &url, const std::string &payload);
  long get(const std::string &url);
  const std::string &body() const { return body_; }

 private:
  long perform();
  static size_t collect(char *data, size_t size, size_t count, void *out);

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl_;
  curl_slist *headers_ = nullptr;
  std::string body_;
};

// The string value of the first `key` member (no JSON parser needed for
// the flat answers the benches read).
std::string string_member(const std::string &json, const std::string &key);
inline std::string id_of(const std::string &json) {
  return string_member(json, "id");
}

}  // namespace bench
