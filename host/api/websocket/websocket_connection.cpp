#include "websocket_connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <utility>

namespace prefectd {
namespace {

// A close reason must fit one control frame (RFC 6455 §5.5).
constexpr size_t kMaximumCloseReasonBytes = 123;

}  // namespace

WebSocketConnection::WebSocketConnection(std::unique_ptr<WebSocketSession> session, Writer writer,
                                         size_t max_message_bytes)
    : session_(std::move(session)), writer_(std::move(writer)) {
  wslay_event_callbacks callbacks{};
  callbacks.recv_callback = &WebSocketConnection::read_input;
  callbacks.send_callback = &WebSocketConnection::collect_output;
  callbacks.on_msg_recv_callback = &WebSocketConnection::on_message;
  wslay_event_context_ptr context = nullptr;
  if (wslay_event_context_server_init(&context, &callbacks, this) != 0) throw std::bad_alloc();
  context_.reset(context);
  wslay_event_config_set_max_recv_msg_length(context, max_message_bytes);
}

WebSocketConnection::~WebSocketConnection() {
  // First, while the mutex and wslay still exist: a session that sends from
  // a thread of its own stops that thread in its destructor.
  session_.reset();
}

void WebSocketConnection::open() {
  std::lock_guard lock(mutex_);
  receiving_ = true;
  try {
    session_->on_open(*this);
  } catch (const std::exception &error) {
    spdlog::error("websocket session failed to open: {}", error.what());
    close(CloseCode::InternalError, {});
  }
  receiving_ = false;
  flush();
}

void WebSocketConnection::receive(const char *data, size_t length) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  pending_input_ = std::string_view(data, length);
  last_input_ = std::chrono::steady_clock::now();
  ping_sent_.reset();
  receiving_ = true;
  const int status = wslay_event_recv(context_.get());
  receiving_ = false;
  pending_input_ = {};
  if (status != 0) {
    finished_ = true;
    writer_(std::exchange(output_, {}), After::Drop);
    return;
  }
  flush();
}

bool WebSocketConnection::keep_alive(std::chrono::steady_clock::time_point now, std::chrono::milliseconds interval,
                                     std::chrono::milliseconds timeout) {
  std::lock_guard lock(mutex_);
  if (finished_) return false;
  if (ping_sent_) {
    if (now - *ping_sent_ < timeout) return true;
    // Whatever wslay still holds cannot reach a client that stopped answering.
    constexpr std::string_view kReason = "keepalive ping timeout";
    wslay_event_queue_close(context_.get(), static_cast<uint16_t>(CloseCode::InternalError),
                            reinterpret_cast<const uint8_t *>(kReason.data()), kReason.size());
    wslay_event_send(context_.get());
    finished_ = true;
    writer_(std::exchange(output_, {}), After::Drop);
    return false;
  }
  if (now - last_input_ < interval) return true;
  wslay_event_msg ping{WSLAY_PING, reinterpret_cast<const uint8_t *>("keepalive"), 9};
  if (wslay_event_queue_msg(context_.get(), &ping) == 0) ping_sent_ = now;
  flush();
  return !finished_;
}

void WebSocketConnection::send_text(std::string_view text) {
  std::lock_guard lock(mutex_);
  if (finished_ || wslay_event_get_close_sent(context_.get())) return;
  wslay_event_msg message{WSLAY_TEXT_FRAME, reinterpret_cast<const uint8_t *>(text.data()), text.size()};
  wslay_event_queue_msg(context_.get(), &message);
  if (!receiving_) flush();
}

void WebSocketConnection::close(CloseCode code, std::string_view reason) {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  reason = reason.substr(0, std::min(reason.size(), kMaximumCloseReasonBytes));
  // Fails only when a close frame is already queued, which is just as good.
  wslay_event_queue_close(context_.get(), static_cast<uint16_t>(code), reinterpret_cast<const uint8_t *>(reason.data()),
                          reason.size());
  if (!receiving_) flush();
}

void WebSocketConnection::flush() {
  if (finished_) return;
  wslay_event_context *context = context_.get();
  if (wslay_event_send(context) != 0) {
    finished_ = true;
    writer_(std::exchange(output_, {}), After::Drop);
    return;
  }
  After after = After::KeepOpen;
  // Our close frame is out and the client will say nothing more (it sent
  // its own close, or wslay stopped reading a broken stream): the server
  // ends the TCP connection, as RFC 6455 §7.1.1 has it.
  if (wslay_event_get_close_sent(context) && !wslay_event_get_read_enabled(context)) {
    after = After::Close;
    finished_ = true;
  }
  if (!output_.empty() || after != After::KeepOpen) writer_(std::exchange(output_, {}), after);
}

ssize_t WebSocketConnection::read_input(wslay_event_context_ptr context, uint8_t *buffer, size_t length, int,
                                        void *self) {
  auto &connection = *static_cast<WebSocketConnection *>(self);
  if (connection.pending_input_.empty()) {
    wslay_event_set_error(context, WSLAY_ERR_WOULDBLOCK);
    return -1;
  }
  const size_t taken = std::min(length, connection.pending_input_.size());
  std::memcpy(buffer, connection.pending_input_.data(), taken);
  connection.pending_input_.remove_prefix(taken);
  return static_cast<ssize_t>(taken);
}

ssize_t WebSocketConnection::collect_output(wslay_event_context_ptr, const uint8_t *data, size_t length, int,
                                            void *self) {
  static_cast<WebSocketConnection *>(self)->output_.append(reinterpret_cast<const char *>(data), length);
  return static_cast<ssize_t>(length);
}

void WebSocketConnection::on_message(wslay_event_context_ptr context, const wslay_event_on_msg_recv_arg *message,
                                     void *self) {
  auto &connection = *static_cast<WebSocketConnection *>(self);
  const bool text = message->opcode == WSLAY_TEXT_FRAME;
  if (!text && message->opcode != WSLAY_BINARY_FRAME) return;  // control frames: wslay answers them
  if (wslay_event_get_close_sent(context)) return;
  std::string_view payload(reinterpret_cast<const char *>(message->msg), message->msg_length);
  try {
    if (text) {
      connection.session_->on_text(connection, payload);
    } else {
      connection.session_->on_binary(connection, payload);
    }
  } catch (const std::exception &error) {
    // What an unhandled exception in a Starlette websocket route amounts to.
    spdlog::error("websocket session failed: {}", error.what());
    connection.close(CloseCode::InternalError, {});
  }
}

}  // namespace prefectd
