#include "http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>

namespace prefectd::testing_support {

struct HttpClient::CurlHandle {
  CURL *handle = curl_easy_init();
  ~CurlHandle() { curl_easy_cleanup(handle); }
};

namespace {

size_t append_body(char *data, size_t size, size_t count, void *user) {
  static_cast<std::string *>(user)->append(data, size * count);
  return size * count;
}

size_t append_header(char *data, size_t size, size_t count, void *user) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n") + 1);
    (*static_cast<std::map<std::string, std::string> *>(user))[name] = value;
  }
  return size * count;
}

struct CurlHeaders {
  curl_slist *list = nullptr;
  ~CurlHeaders() { curl_slist_free_all(list); }
};

}  // namespace

HttpClient::HttpClient() : curl_(std::make_unique<CurlHandle>()) {}
HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(const std::string &method, const std::string &url, const std::string &body,
                               const std::map<std::string, std::string> &headers, long timeout_ms) {
  HttpResult result;
  CURL *curl = curl_->handle;
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  CurlHeaders list;
  for (const auto &[name, value] : headers) list.list = curl_slist_append(list.list, (name + ": " + value).c_str());
  if (body.size() > 0 && !headers.contains("Content-Type")) {
    list.list = curl_slist_append(list.list, "Content-Type: application/json");
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list.list);
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

}  // namespace prefectd::testing_support
