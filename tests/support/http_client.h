// A small libcurl client for driving prefectd over real sockets.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace prefectd::testing_support {

struct HttpResult {
  long status = 0;  // 0: no answer (connection refused, timeout)
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

class HttpClient {
 public:
  HttpClient();
  HttpClient(const HttpClient &) = delete;
  HttpClient &operator=(const HttpClient &) = delete;
  ~HttpClient();

  HttpResult request(const std::string &method, const std::string &url, const std::string &body = {},
                     const std::map<std::string, std::string> &headers = {}, long timeout_ms = 30000);

 private:
  struct CurlHandle;
  std::unique_ptr<CurlHandle> curl_;
};

}  // namespace prefectd::testing_support
