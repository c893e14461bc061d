#include "pistache_upgrade.h"

#include "websocket_connection.h"

#include <pistache/http.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>

#include <sys/socket.h>

#include <mutex>

namespace prefectd {
namespace {

using Pistache::Http::RequestParser;
using Pistache::Http::Private::ParserBase;
using Pistache::Http::Private::State;
using Pistache::Http::Private::Step;
using Pistache::Http::Private::StepId;

constexpr const char *kWebSocketPeerData = "prefectd.websocket";

// Whether Pistache still owns the socket; shared by the connection's writer
// and the peer's data. Pistache marks the peer gone under the mutex before
// it closes the descriptor, and the writer shuts the socket down under it,
// so a descriptor number reused by a new connection is never touched, even
// by the keep-alive thread.
struct SocketLiveness {
  std::mutex mutex;
  bool disconnected = false;
};

// Pistache keeps the parser's steps protected; a derived class may name
// them, which is all this needs.
struct ParserSteps : RequestParser {
  static auto &of(ParserBase &parser) { return parser.*(&ParserSteps::allSteps); }
};

// The only step an upgraded connection's parser has: it passes the bytes on
// and empties the parser's buffer, so HTTP parsing never resumes.
class WebSocketInputStep final : public Step {
 public:
  static constexpr StepId Id = Pistache::Meta::Hash::fnv1a("prefectd.WebSocketInput");

  WebSocketInputStep(RequestParser *parser, std::shared_ptr<WebSocketConnection> connection)
      : Step(&parser->request), parser_(parser), connection_(std::move(connection)) {}

  StepId id() const override { return Id; }

  State apply(Pistache::StreamCursor &cursor) override {
    if (const size_t available = cursor.remaining(); available > 0) connection_->receive(cursor.offset(), available);
    parser_->reset();  // drops what was consumed; the parser returns here on the next read
    return State::Again;
  }

 private:
  RequestParser *parser_;
  std::shared_ptr<WebSocketConnection> connection_;
};

WebSocketConnection::Writer socket_writer(const std::shared_ptr<Pistache::Tcp::Peer> &socket_peer,
                                          std::shared_ptr<SocketLiveness> liveness) {
  std::weak_ptr<Pistache::Tcp::Peer> weak_peer = socket_peer;
  return [weak_peer, liveness](std::string bytes, WebSocketConnection::After after) {
    auto target = weak_peer.lock();
    if (!target) return;
    auto end_socket = [weak_peer, liveness, after] {
      auto peer = weak_peer.lock();
      std::lock_guard lock(liveness->mutex);
      if (!peer || liveness->disconnected || after == WebSocketConnection::After::KeepOpen) return;
      // Shutting down (not closing) lets Pistache see the end of the stream
      // and release the peer through its own disconnection path.
      ::shutdown(peer->fd(), after == WebSocketConnection::After::Close ? SHUT_WR : SHUT_RDWR);
    };
    if (bytes.empty()) {
      end_socket();
      return;
    }
    const size_t length = bytes.size();
    target->send(Pistache::RawBuffer(std::move(bytes), length))
        .then([end_socket](ssize_t) { end_socket(); }, [end_socket](std::exception_ptr) { end_socket(); });
  };
}

}  // namespace

std::shared_ptr<WebSocketConnection> upgrade_to_websocket(const std::shared_ptr<Pistache::Tcp::Peer> &peer,
                                                          const std::string &switching_response,
                                                          std::unique_ptr<WebSocketSession> session,
                                                          size_t max_message_bytes) {
  auto liveness = std::make_shared<SocketLiveness>();
  auto connection =
      std::make_shared<WebSocketConnection>(std::move(session), socket_writer(peer, liveness), max_message_bytes);
  auto parser = Pistache::Http::Handler::getParser(peer);
  for (auto &step : ParserSteps::of(*parser)) step = std::make_unique<WebSocketInputStep>(parser.get(), connection);
  peer->putData(kWebSocketPeerData, liveness);
  // Not through a ResponseWriter: that marks the peer idle, and idle peers
  // are closed after the keep-alive timeout.
  peer->send(Pistache::RawBuffer(switching_response, switching_response.size()));
  connection->open();
  return connection;
}

void forget_websocket(const std::shared_ptr<Pistache::Tcp::Peer> &peer) {
  if (auto data = peer->tryGetData(kWebSocketPeerData)) {
    auto liveness = std::static_pointer_cast<SocketLiveness>(data);
    std::lock_guard lock(liveness->mutex);
    liveness->disconnected = true;
  }
}

}  // namespace prefectd
