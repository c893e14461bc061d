// What a websocket route implements, and what it sees of its connection.
// Callbacks arrive on the connection's reactor thread one at a time and
// must not block: hand slow work to another thread (the event bus does).
#pragma once

#include <cstdint>
#include <string_view>

namespace prefectd {

// Close codes (RFC 6455 §7.4.1) the routes use.
enum class CloseCode : uint16_t {
  Normal = 1000,
  ProtocolError = 1002,
  PolicyViolation = 1008,
  InternalError = 1011,
};

class WebSocketChannel {
 public:
  virtual ~WebSocketChannel() = default;
  virtual void send_text(std::string_view text) = 0;
  // Starts the closing handshake; later messages from the client are ignored.
  virtual void close(CloseCode code, std::string_view reason = {}) = 0;
};

class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;
  // Right after the 101 answer.
  virtual void on_open(WebSocketChannel &) {}
  virtual void on_text(WebSocketChannel &channel, std::string_view message) = 0;
  // Prefect's routes read text only; Starlette fails the socket on a binary
  // message, which is what the default does.
  virtual void on_binary(WebSocketChannel &channel, std::string_view) { channel.close(CloseCode::InternalError); }
};

}  // namespace prefectd
