#include "bench_client.h"

namespace bench {

Client::Client() : curl_(curl_easy_init(), curl_easy_cleanup) {
  headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl_.get(), CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(curl_.get(), CURLOPT_WRITEFUNCTION, &Client::collect);
  curl_easy_setopt(curl_.get(), CURLOPT_WRITEDATA, &body_);
  curl_easy_setopt(curl_.get(), CURLOPT_TCP_NODELAY, 1L);
}

Client::~Client() {
  curl_slist_free_all(headers_);
}

long Client::post(const std::string &url, const std::string &payload) {
  body_.clear();
  curl_easy_setopt(curl_.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_.get(), CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl_.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  return perform();
}

long Client::get(const std::string &url) {
  body_.clear();
  curl_easy_setopt(curl_.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_.get(), CURLOPT_HTTPGET, 1L);
  return perform();
}

long Client::perform() {
  if (curl_easy_perform(curl_.get()) != CURLE_OK) return 0;
  long status = 0;
  curl_easy_getinfo(curl_.get(), CURLINFO_RESPONSE_CODE, &status);
  return status;
}

size_t Client::collect(char *data, size_t size, size_t count, void *out) {
  static_cast<std::string *>(out)->append(data, size * count);
  return size * count;
}

std::string string_member(const std::string &json, const std::string &key) {
  const auto found = json.find("\"" + key + "\"");
  if (found == std::string::npos) return {};
  const auto start = json.find('"', json.find(':', found) + 1) + 1;
  return json.substr(start, json.find('"', start) - start);
}

}  // namespace bench
