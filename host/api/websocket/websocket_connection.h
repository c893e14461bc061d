// One accepted websocket: RFC 6455 framing by wslay over bytes the transport
// feeds in, the route's session on top. Knows nothing of sockets; the
// transport passes the bytes that arrive to receive() and writes what the
// connection hands to its writer, so tests drive it without a server.
//
// wslay answers pings with pongs and a close frame with a close frame by
// itself. Calls are serialised by a mutex, so a session may send from
// another thread.
#pragma once

#include "websocket_session.h"

#include <wslay/wslay.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

class WebSocketConnection final : private WebSocketChannel {
 public:
  // What to do after writing `bytes`: keep the socket, close it once the
  // bytes are out (the closing handshake is complete), or drop it at once
  // (the peer broke the protocol).
  enum class After { KeepOpen, Close, Drop };
  using Writer = std::function<void(std::string bytes, After after)>;

  WebSocketConnection(std::unique_ptr<WebSocketSession> session, Writer writer, size_t max_message_bytes);
  WebSocketConnection(const WebSocketConnection &) = delete;
  WebSocketConnection &operator=(const WebSocketConnection &) = delete;
  ~WebSocketConnection() override;

  // After the 101 answer is queued: lets the session speak first.
  void open();
  // Bytes read from the socket, in order.
  void receive(const char *data, size_t length);
  // Keep-alive, as uvicorn's ws_ping_interval and ws_ping_timeout: called
  // often from any thread, it pings a client that has sent nothing for
  // `interval`, and fails the connection (1011) when nothing at all has come
  // back within `timeout` of the ping. False once the connection is over.
  bool keep_alive(std::chrono::steady_clock::time_point now, std::chrono::milliseconds interval,
                  std::chrono::milliseconds timeout);

 private:
  struct ContextDeleter {
    void operator()(wslay_event_context *context) const { wslay_event_context_free(context); }
  };

  void send_text(std::string_view text) override;
  void close(CloseCode code, std::string_view reason) override;
  // Runs wslay's send loop and hands the framed bytes to the writer.
  void flush();

  static ssize_t read_input(wslay_event_context_ptr, uint8_t *buffer, size_t length, int, void *self);
  static ssize_t collect_output(wslay_event_context_ptr, const uint8_t *data, size_t length, int, void *self);
  static void on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg *message, void *self);

  std::unique_ptr<WebSocketSession> session_;
  Writer writer_;
  std::recursive_mutex mutex_;  // a session may send or close from inside its callbacks
  std::unique_ptr<wslay_event_context, ContextDeleter> context_;
  std::string_view pending_input_;
  std::string output_;
  bool receiving_ = false;  // inside wslay or a session callback: flush when it returns
  bool finished_ = false;   // the writer was told to close or drop
  std::chrono::steady_clock::time_point last_input_ = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> ping_sent_;  // unanswered since
};

}  // namespace prefectd
