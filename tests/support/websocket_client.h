// A websocket client for driving prefectd in tests: RFC 6455 framing by
// wslay over a plain blocking socket, with deadlines on every wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct wslay_event_context;

namespace prefectd::testing_support {

struct WebSocketMessage {
  enum class Kind { Text, Binary, Pong, Close, Disconnected, Timeout };
  Kind kind = Kind::Timeout;
  std::string payload;      // text, binary or pong data; the reason of a close
  uint16_t close_code = 0;  // for Close
};

class WebSocketClient {
 public:
  // Connects to 127.0.0.1:`port` and sends the upgrade request for `path`
  // (e.g. "/api/events/in") offering `subprotocols`. Check status() before
  // talking: anything but 101 means the server refused.
  WebSocketClient(int port, const std::string &path, const std::vector<std::string> &subprotocols = {},
                  const std::map<std::string, std::string> &extra_headers = {});
  WebSocketClient(const WebSocketClient &) = delete;
  WebSocketClient &operator=(const WebSocketClient &) = delete;
  ~WebSocketClient();

  int status() const { return status_; }
  // Response headers of the handshake, names lower-cased.
  const std::map<std::string, std::string> &headers() const { return headers_; }

  void send_text(std::string_view text);
  void send_binary(std::string_view data);
  void send_ping(std::string_view data);
  // Bytes written as they are, past the framing: for malformed frames.
  void send_raw(std::string_view bytes);
  // Starts the closing handshake.
  void close(uint16_t code = 1000);

  // The next message, pong or close the server sends, Disconnected when the
  // server ends the connection, Timeout when nothing comes within `timeout`.
  WebSocketMessage next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Skips messages until a Close, Disconnected or Timeout.
  WebSocketMessage wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  struct ContextDeleter {
    void operator()(wslay_event_context *context) const;
  };
  void flush();

  int fd_ = -1;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  std::string pending_input_;  // bytes read with the handshake that belong to frames
  bool disconnected_ = false;
  std::deque<WebSocketMessage> received_;
  std::unique_ptr<wslay_event_context, ContextDeleter> context_;

  friend struct WebSocketClientCallbacks;
};

}  // namespace prefectd::testing_support
