#include "websocket_client.h"

#include <wslay/wslay.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

namespace prefectd::testing_support {

struct WebSocketClientCallbacks {
  static ssize_t receive(wslay_event_context_ptr context, uint8_t *buffer, size_t length, int, void *self) {
    auto &client = *static_cast<WebSocketClient *>(self);
    if (!client.pending_input_.empty()) {
      const size_t taken = std::min(length, client.pending_input_.size());
      std::memcpy(buffer, client.pending_input_.data(), taken);
      client.pending_input_.erase(0, taken);
      return static_cast<ssize_t>(taken);
    }
    const ssize_t read = ::recv(client.fd_, buffer, length, MSG_DONTWAIT);
    if (read > 0) return read;
    if (read < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      wslay_event_set_error(context, WSLAY_ERR_WOULDBLOCK);
    } else {
      client.disconnected_ = true;
      wslay_event_set_error(context, WSLAY_ERR_CALLBACK_FAILURE);
    }
    return -1;
  }

  static ssize_t send(wslay_event_context_ptr context, const uint8_t *data, size_t length, int, void *self) {
    auto &client = *static_cast<WebSocketClient *>(self);
    const ssize_t written = ::send(client.fd_, data, length, MSG_NOSIGNAL);
    if (written < 0) {
      wslay_event_set_error(context, WSLAY_ERR_CALLBACK_FAILURE);
      return -1;
    }
    return written;
  }

  static int mask(wslay_event_context_ptr, uint8_t *buffer, size_t length, void *) {
    static std::mt19937 random{std::random_device{}()};
    for (size_t i = 0; i < length; ++i) buffer[i] = static_cast<uint8_t>(random());
    return 0;
  }

  static void message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg *arg, void *self) {
    auto &client = *static_cast<WebSocketClient *>(self);
    WebSocketMessage message;
    message.payload.assign(reinterpret_cast<const char *>(arg->msg), arg->msg_length);
    switch (arg->opcode) {
      case WSLAY_TEXT_FRAME:
        message.kind = WebSocketMessage::Kind::Text;
        break;
      case WSLAY_BINARY_FRAME:
        message.kind = WebSocketMessage::Kind::Binary;
        break;
      case WSLAY_PONG:
        message.kind = WebSocketMessage::Kind::Pong;
        break;
      case WSLAY_CONNECTION_CLOSE:
        message.kind = WebSocketMessage::Kind::Close;
        message.close_code = arg->status_code;
        // The payload starts with the two code bytes.
        message.payload = message.payload.size() >= 2 ? message.payload.substr(2) : "";
        break;
      default:
        return;
    }
    client.received_.push_back(std::move(message));
  }
};

void WebSocketClient::ContextDeleter::operator()(wslay_event_context *context) const {
  wslay_event_context_free(context);
}

WebSocketClient::WebSocketClient(int port, const std::string &path, const std::vector<std::string> &subprotocols,
                                 const std::map<std::string, std::string> &extra_headers) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  if (!subprotocols.empty()) {
    std::string offered;
    for (const auto &subprotocol : subprotocols) offered += (offered.empty() ? "" : ", ") + subprotocol;
    request += "Sec-WebSocket-Protocol: " + offered + "\r\n";
  }
  for (const auto &[name, value] : extra_headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  send_raw(request);

  // Reads the response head, with a deadline.
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t end_of_head = std::string::npos;
  while ((end_of_head = received.find("\r\n\r\n")) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd poll_fd{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) return;  // status 0
    char buffer[4096];
    const ssize_t read = ::recv(fd_, buffer, sizeof buffer, 0);
    if (read <= 0) return;
    received.append(buffer, static_cast<size_t>(read));
  }
  pending_input_ = received.substr(end_of_head + 4);
  std::string head = received.substr(0, end_of_head);
  const size_t first_space = head.find(' ');
  if (first_space != std::string::npos) status_ = std::atoi(head.c_str() + first_space + 1);
  size_t line_start = head.find("\r\n");
  while (line_start != std::string::npos) {
    line_start += 2;
    const size_t line_end = head.find("\r\n", line_start);
    std::string line = head.substr(line_start, line_end - line_start);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      headers_[name] = value;
    }
    line_start = line_end;
  }
  if (status_ != 101) return;

  wslay_event_callbacks callbacks{};
  callbacks.recv_callback = &WebSocketClientCallbacks::receive;
  callbacks.send_callback = &WebSocketClientCallbacks::send;
  callbacks.genmask_callback = &WebSocketClientCallbacks::mask;
  callbacks.on_msg_recv_callback = &WebSocketClientCallbacks::message;
  wslay_event_context_ptr context = nullptr;
  if (wslay_event_context_client_init(&context, &callbacks, this) != 0) throw std::runtime_error("wslay init failed");
  context_.reset(context);
}

WebSocketClient::~WebSocketClient() {
  context_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void WebSocketClient::flush() {
  if (context_) wslay_event_send(context_.get());
}

void WebSocketClient::send_text(std::string_view text) {
  wslay_event_msg message{WSLAY_TEXT_FRAME, reinterpret_cast<const uint8_t *>(text.data()), text.size()};
  wslay_event_queue_msg(context_.get(), &message);
  flush();
}

void WebSocketClient::send_binary(std::string_view data) {
  wslay_event_msg message{WSLAY_BINARY_FRAME, reinterpret_cast<const uint8_t *>(data.data()), data.size()};
  wslay_event_queue_msg(context_.get(), &message);
  flush();
}

void WebSocketClient::send_ping(std::string_view data) {
  wslay_event_msg message{WSLAY_PING, reinterpret_cast<const uint8_t *>(data.data()), data.size()};
  wslay_event_queue_msg(context_.get(), &message);
  flush();
}

void WebSocketClient::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (written <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(written));
  }
}

void WebSocketClient::close(uint16_t code) {
  wslay_event_queue_close(context_.get(), code, nullptr, 0);
  flush();
}

WebSocketMessage WebSocketClient::next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (!received_.empty()) {
      WebSocketMessage message = std::move(received_.front());
      received_.pop_front();
      return message;
    }
    if (disconnected_ || !context_) return {WebSocketMessage::Kind::Disconnected, {}, 0};
    if (pending_input_.empty()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd poll_fd{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&poll_fd, 1, static_cast<int>(left.count())) <= 0) return {};
    }
    if (!wslay_event_get_read_enabled(context_.get())) {
      // After a close frame wslay reads no more; only the end of the stream is left to see.
      char ignored[4096];
      if (::recv(fd_, ignored, sizeof ignored, 0) <= 0) disconnected_ = true;
      continue;
    }
    if (wslay_event_recv(context_.get()) != 0) disconnected_ = true;
    flush();  // pongs and the close reply wslay queued
  }
}

WebSocketMessage WebSocketClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    WebSocketMessage message = next(std::max(left, std::chrono::milliseconds(0)));
    if (message.kind == WebSocketMessage::Kind::Close || message.kind == WebSocketMessage::Kind::Disconnected ||
        message.kind == WebSocketMessage::Kind::Timeout) {
      return message;
    }
  }
}

}  // namespace prefectd::testing_support
