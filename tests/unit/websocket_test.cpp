// The websocket layer without a server: the handshake helpers, and
// WebSocketConnection driven by an in-memory wslay client.
#include "api/websocket/prefect_socket.h"
#include "api/websocket/websocket_connection.h"
#include "api/websocket/websocket_handshake.h"

#include <gtest/gtest.h>
#include <wslay/wslay.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace prefectd {
namespace {

using After = WebSocketConnection::After;

// Frames a client would send, and what it makes of the server's bytes.
class MemoryClient {
 public:
  struct Message {
    uint8_t opcode;
    std::string payload;
    uint16_t close_code;
  };

  MemoryClient() {
    wslay_event_callbacks callbacks{};
    callbacks.recv_callback = [](wslay_event_context_ptr context, uint8_t *buffer, size_t length, int,
                                 void *self) -> ssize_t {
      auto &client = *static_cast<MemoryClient *>(self);
      if (client.input_.empty()) {
        wslay_event_set_error(context, WSLAY_ERR_WOULDBLOCK);
        return -1;
      }
      const size_t taken = std::min(length, client.input_.size());
      std::memcpy(buffer, client.input_.data(), taken);
      client.input_.erase(0, taken);
      return static_cast<ssize_t>(taken);
    };
    callbacks.send_callback = [](wslay_event_context_ptr, const uint8_t *data, size_t length, int,
                                 void *self) -> ssize_t {
      static_cast<MemoryClient *>(self)->output_.append(reinterpret_cast<const char *>(data), length);
      return static_cast<ssize_t>(length);
    };
    callbacks.genmask_callback = [](wslay_event_context_ptr, uint8_t *buffer, size_t length, void *) {
      for (size_t i = 0; i < length; ++i) buffer[i] = static_cast<uint8_t>(i * 37 + 11);
      return 0;
    };
    callbacks.on_msg_recv_callback = [](wslay_event_context_ptr, const wslay_event_on_msg_recv_arg *arg, void *self) {
      std::string payload(reinterpret_cast<const char *>(arg->msg), arg->msg_length);
      if (arg->opcode == WSLAY_CONNECTION_CLOSE) payload = payload.size() >= 2 ? payload.substr(2) : "";
      static_cast<MemoryClient *>(self)->received.push_back({arg->opcode, payload, arg->status_code});
    };
    wslay_event_context_client_init(&context_, &callbacks, this);
  }
  ~MemoryClient() { wslay_event_context_free(context_); }

  // The frame bytes of one message.
  std::string frame(uint8_t opcode, std::string_view payload) {
    wslay_event_msg message{opcode, reinterpret_cast<const uint8_t *>(payload.data()), payload.size()};
    wslay_event_queue_msg(context_, &message);
    return flush();
  }
  std::string close_frame(uint16_t code) {
    wslay_event_queue_close(context_, code, nullptr, 0);
    return flush();
  }
  // Reads what the server wrote (and answers close frames as a client does).
  void read(const std::string &bytes) {
    input_ += bytes;
    wslay_event_recv(context_);
  }
  std::string flush() {
    wslay_event_send(context_);
    return std::exchange(output_, {});
  }

  std::vector<Message> received;

 private:
  wslay_event_context_ptr context_ = nullptr;
  std::string input_;
  std::string output_;
};

class RecordingSession : public WebSocketSession {
 public:
  explicit RecordingSession(std::vector<std::string> &texts) : texts_(texts) {}
  void on_text(WebSocketChannel &channel, std::string_view message) override {
    texts_.emplace_back(message);
    if (message == "close please") channel.close(CloseCode::PolicyViolation, "as asked");
    if (message == "echo") channel.send_text("echoed");
    if (message == "throw") throw std::runtime_error("boom");
  }

 private:
  std::vector<std::string> &texts_;
};

struct Written {
  std::string bytes;
  After after = After::KeepOpen;
};

class WebSocketConnectionTest : public ::testing::Test {
 protected:
  WebSocketConnectionTest()
      : connection_(
            std::make_unique<RecordingSession>(texts_),
            [this](std::string bytes, After after) {
              written_.push_back({std::move(bytes), after});
            },
            1 << 20) {}

  void feed(const std::string &bytes) { connection_.receive(bytes.data(), bytes.size()); }
  std::string all_written() {
    std::string bytes;
    for (const Written &write : written_) bytes += write.bytes;
    return bytes;
  }

  std::vector<std::string> texts_;
  std::vector<Written> written_;
  MemoryClient client_;
  WebSocketConnection connection_;
};

TEST_F(WebSocketConnectionTest, AMessageFedOneByteAtATime_ArrivesWhole) {
  const std::string frame = client_.frame(WSLAY_TEXT_FRAME, std::string(70000, 'e'));
  for (char byte : frame) feed(std::string(1, byte));
  ASSERT_EQ(texts_.size(), 1u);
  EXPECT_EQ(texts_[0].size(), 70000u);
}

TEST_F(WebSocketConnectionTest, TwoMessagesInOneRead_AreBothDelivered) {
  feed(client_.frame(WSLAY_TEXT_FRAME, "one") + client_.frame(WSLAY_TEXT_FRAME, "two"));
  EXPECT_EQ(texts_, (std::vector<std::string>{"one", "two"}));
}

TEST_F(WebSocketConnectionTest, Ping_IsAnsweredWithPongCarryingItsData) {
  feed(client_.frame(WSLAY_PING, "checkpoint"));
  client_.read(all_written());
  ASSERT_EQ(client_.received.size(), 1u);
  EXPECT_EQ(client_.received[0].opcode, WSLAY_PONG);
  EXPECT_EQ(client_.received[0].payload, "checkpoint");
}

TEST_F(WebSocketConnectionTest, SessionSends_FramedText) {
  feed(client_.frame(WSLAY_TEXT_FRAME, "echo"));
  client_.read(all_written());
  ASSERT_EQ(client_.received.size(), 1u);
  EXPECT_EQ(client_.received[0].payload, "echoed");
}

TEST_F(WebSocketConnectionTest, ClientClose_IsAnsweredThenTheSocketCloses) {
  feed(client_.close_frame(1000));
  ASSERT_FALSE(written_.empty());
  EXPECT_EQ(written_.back().after, After::Close);
  client_.read(all_written());
  ASSERT_EQ(client_.received.size(), 1u);
  EXPECT_EQ(client_.received[0].opcode, WSLAY_CONNECTION_CLOSE);
  EXPECT_EQ(client_.received[0].close_code, 1000);
}

TEST_F(WebSocketConnectionTest, SessionClose_WaitsForTheClientsCloseBeforeClosingTheSocket) {
  feed(client_.frame(WSLAY_TEXT_FRAME, "close please"));
  ASSERT_FALSE(written_.empty());
  EXPECT_EQ(written_.back().after, After::KeepOpen);
  const std::string late = client_.frame(WSLAY_TEXT_FRAME, "ignored after close");  // crossed our close
  client_.read(all_written());
  ASSERT_EQ(client_.received.size(), 1u);
  EXPECT_EQ(client_.received[0].close_code, 1008);
  EXPECT_EQ(client_.received[0].payload, "as asked");
  feed(late + client_.flush());  // then the client's close reply
  EXPECT_EQ(texts_, (std::vector<std::string>{"close please"}));
  EXPECT_EQ(written_.back().after, After::Close);
}

TEST_F(WebSocketConnectionTest, SessionException_ClosesWithInternalError) {
  feed(client_.frame(WSLAY_TEXT_FRAME, "throw"));
  client_.read(all_written());
  ASSERT_EQ(client_.received.size(), 1u);
  EXPECT_EQ(client_.received[0].close_code, 1011);
}

TEST_F(WebSocketConnectionTest, UnmaskedFrame_IsAProtocolError) {
  feed(std::string("\x81\x02hi", 4));
  client_.read(all_written());
  ASSERT_EQ(client_.received.size(), 1u);
  EXPECT_EQ(client_.received[0].close_code, 1002);
  EXPECT_NE(written_.back().after, After::KeepOpen);
}

TEST_F(WebSocketConnectionTest, KeepAlive_PingsAfterSilenceThenDropsAClientThatNeverAnswers) {
  using std::chrono::milliseconds;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection_.keep_alive(start, milliseconds(60000), milliseconds(1000)));
  EXPECT_TRUE(written_.empty());  // not silent long enough
  const auto later = start + milliseconds(61000);
  EXPECT_TRUE(connection_.keep_alive(later, milliseconds(60000), milliseconds(1000)));
  client_.read(all_written());
  ASSERT_EQ(client_.received.size(), 1u);
  EXPECT_EQ(client_.received[0].opcode, WSLAY_PING);
  EXPECT_TRUE(connection_.keep_alive(later + milliseconds(500), milliseconds(60000), milliseconds(1000)));
  EXPECT_FALSE(connection_.keep_alive(later + milliseconds(1500), milliseconds(60000), milliseconds(1000)));
  EXPECT_EQ(written_.back().after, After::Drop);
}

TEST_F(WebSocketConnectionTest, KeepAlive_AnyAnswerKeepsTheConnection) {
  using std::chrono::milliseconds;
  const auto later = std::chrono::steady_clock::now() + milliseconds(61000);
  connection_.keep_alive(later, milliseconds(60000), milliseconds(1000));
  client_.read(all_written());
  feed(client_.flush());  // the client's pong
  EXPECT_TRUE(connection_.keep_alive(later + milliseconds(1500), milliseconds(60000), milliseconds(1000)));
  EXPECT_NE(written_.back().after, After::Drop);
}

TEST(WebSocketHandshake, AcceptValue_IsRfc6455sExample) {
  EXPECT_EQ(websocket_accept_value("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocketHandshake, Subprotocols_AreSplitAndTrimmed) {
  HttpRequest request;
  request.headers["sec-websocket-protocol"] = " prefect ,  other,";
  EXPECT_EQ(offered_subprotocols(request), (std::vector<std::string>{"prefect", "other"}));
}

TEST(WebSocketHandshake, UpgradeHeader_IsMatchedWithoutCase) {
  HttpRequest request;
  EXPECT_FALSE(is_websocket_upgrade(request));
  request.headers["upgrade"] = "WebSocket";
  EXPECT_TRUE(is_websocket_upgrade(request));
}

TEST(PrefectSocket, EmptyAuthString_CountsAsNone) {
  HttpRequest request;
  std::vector<std::string> texts;
  auto acceptance = accept_prefect_socket(request, std::make_unique<RecordingSession>(texts), std::string());
  EXPECT_FALSE(acceptance.refusal);
  EXPECT_TRUE(acceptance.session);
}

}  // namespace
}  // namespace prefectd
