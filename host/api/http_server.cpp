#include "http_server.h"

#include "error_responses.h"
#include "websocket/pistache_upgrade.h"
#include "websocket/websocket_handshake.h"
#include "websocket/websocket_keep_alive.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <thread>

namespace prefectd {
namespace {

using Clock = std::chrono::steady_clock;

class PistacheAdapter : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(PistacheAdapter)
  explicit PistacheAdapter(HttpServer *server) : server_(server) {}
  void onRequest(const Pistache::Http::Request &request, Pistache::Http::ResponseWriter writer) override {
    server_->on_request(request, std::move(writer));
  }
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer> &peer) override {
    forget_websocket(peer);
    Pistache::Http::Handler::onDisconnection(peer);
  }

 private:
  HttpServer *server_;
};

// A header Pistache serialises by name and value. Pistache 0.0.5 writes
// only typed headers into responses and silently drops addRaw() ones.
class NamedHeader : public Pistache::Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char *name() const override { return name_.c_str(); }
  void parse(const std::string &data) override { value_ = data; }
  void write(std::ostream &stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override {
    return std::hash<std::string>{}(name_);
  }
#endif

 private:
  std::string name_;
  std::string value_;
};

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

HttpRequest to_http_request(const Pistache::Http::Request &request) {
  HttpRequest converted;
  converted.method = Pistache::Http::methodString(request.method());
  converted.path = percent_decode_path(request.resource());
  const auto &query = request.query();
  for (auto it = query.parameters_begin(); it != query.parameters_end(); ++it) {
    converted.query.emplace_back(it->first, it->second);
  }
  for (const auto &[name, raw] : request.headers().rawList()) converted.headers[lowercase(name)] = raw.value();
  // Typed headers Pistache parsed are not in rawList.
  for (const auto &header : request.headers().list()) {
    std::ostringstream value;
    header->write(value);
    converted.headers.emplace(lowercase(header->name()), value.str());
  }
  converted.body = request.body();
  return converted;
}

// `close`: end the connection after this response. Otherwise it stays
// open, which HTTP/1.1 makes the default; Pistache would close it unless
// the client sent "Connection: keep-alive".
Pistache::Async::Promise<ssize_t> write_response(Pistache::Http::ResponseWriter &writer, const HttpResponse &response,
                                                 bool close) {
  if (!response.content_type.empty()) {
    writer.headers().add<Pistache::Http::Header::ContentType>(
        Pistache::Http::Mime::MediaType::fromString(response.content_type));
  }
  for (const auto &[name, value] : response.headers) writer.headers().add(std::make_shared<NamedHeader>(name, value));
  // Pistache pre-sets this header, and add() does not replace.
  writer.headers().remove<Pistache::Http::Header::Connection>();
  writer.headers().add<Pistache::Http::Header::Connection>(close ? Pistache::Http::ConnectionControl::Close
                                                                 : Pistache::Http::ConnectionControl::KeepAlive);
  return writer.send(static_cast<Pistache::Http::Code>(response.status), response.body);
}

}  // namespace

HttpServer::HttpServer(const RequestDispatcher &dispatcher, HttpServerOptions options)
    : dispatcher_(dispatcher), options_(std::move(options)) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  if (options_.database_workers > 0) workers_ = std::make_unique<WorkerPool>(options_.database_workers);
  keep_alive_ = std::make_unique<WebSocketKeepAlive>(options_.websocket_ping_interval, options_.websocket_ping_timeout);
  Pistache::Address address(options_.host, Pistache::Port(static_cast<uint16_t>(options_.port)));
  endpoint_ = std::make_unique<Pistache::Http::Endpoint>(address);
  auto pistache_options = Pistache::Http::Endpoint::options()
                              .threads(options_.reactor_threads)
                              .flags(Pistache::Tcp::Options::ReuseAddr | Pistache::Tcp::Options::NoDelay)
                              .maxRequestSize(options_.max_request_bytes)
                              .maxResponseSize(256 * 1024 * 1024);
  endpoint_->init(pistache_options);
  endpoint_->setHandler(Pistache::Http::make_handler<PistacheAdapter>(this));
  endpoint_->serveThreaded();
}

int HttpServer::port() const {
  return endpoint_ ? static_cast<int>(static_cast<uint16_t>(endpoint_->getPort())) : 0;
}

void HttpServer::on_request(const Pistache::Http::Request &request, Pistache::Http::ResponseWriter writer) {
  const auto started = Clock::now();
  HttpRequest converted = to_http_request(request);
  if (draining_) {
    write_response(writer, service_unavailable_response(), true);
    return;
  }
  if (is_websocket_upgrade(converted)) {
    accept_websocket(converted, std::move(writer));
    return;
  }
  ++in_flight_;
  auto finish = [this, started](Pistache::Http::ResponseWriter &out, const HttpRequest &in,
                                const HttpResponse &response) {
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    spdlog::info("{} {} {} {}us", in.method, in.path, response.status, micros);
    // A request stops counting as in flight once its bytes are on the wire,
    // which is what a graceful stop has to wait for.
    write_response(out, response, lowercase(in.header("connection").value_or("")) == "close")
        .then([this](ssize_t) { --in_flight_; }, [this](std::exception_ptr) { --in_flight_; });
  };
  if (!workers_ || dispatcher_.execution_for(converted) == Execution::Inline) {
    finish(writer, converted, dispatcher_.dispatch(converted));
    return;
  }
  // std::function needs copyable captures; the writer is move-only.
  auto shared_writer = std::make_shared<Pistache::Http::ResponseWriter>(std::move(writer));
  workers_->post([this, finish, shared_writer, converted = std::move(converted)] {
    finish(*shared_writer, converted, dispatcher_.dispatch(converted));
  });
}

// On the reactor thread, like the websocket that follows: opening a session
// must not block.
void HttpServer::accept_websocket(const HttpRequest &request, Pistache::Http::ResponseWriter writer) {
  WebSocketAcceptance acceptance = dispatcher_.accept_websocket(request);
  if (acceptance.refusal) {
    spdlog::info("WEBSOCKET {} {}", request.path, acceptance.refusal->status);
    write_response(writer, *acceptance.refusal, false);
    return;
  }
  auto peer = writer.getPeer();
  if (!peer) return;
  spdlog::info("WEBSOCKET {} 101", request.path);
  auto connection = upgrade_to_websocket(
      peer, switching_protocols_response(request.header("sec-websocket-key").value_or(""), acceptance.subprotocol),
      std::move(acceptance.session), options_.max_request_bytes);
  keep_alive_->watch(connection);
}

int HttpServer::drain(std::chrono::milliseconds grace) {
  draining_ = true;
  const auto deadline = Clock::now() + grace;
  while (in_flight_ > 0 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return in_flight_;
}

void HttpServer::stop() {
  // Workers first: a job still running must find the reactor alive to answer.
  workers_.reset();
  keep_alive_.reset();
  if (endpoint_) {
    endpoint_->shutdown();
    endpoint_.reset();
  }
}

}  // namespace prefectd
