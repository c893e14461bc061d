// Websockets on the API port (api-surface.md §3.1): the upgrade, Prefect's
// `prefect` subprotocol with its auth message, legacy mode, refusals,
// ping/pong, and HTTP on the same server while a socket is open.
#include "support/api_test.h"
#include "support/websocket_client.h"

#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <thread>

namespace prefectd {
namespace {

using namespace testing_support;
using Kind = WebSocketMessage::Kind;

constexpr const char *kEventsIn = "/api/events/in";

class WebSockets : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!IsSkipped()) start();
  }
};

class WebSocketsWithAuth : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!IsSkipped()) start({{"PREFECT_SERVER_API_AUTH_STRING", "admin:pass"}});
  }
};

TEST_P(WebSockets, PrefectSubprotocol_IsEchoedAndAuthMessageAnsweredWithSuccess) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  EXPECT_EQ(socket.headers().at("sec-websocket-accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(socket.headers().at("sec-websocket-protocol"), "prefect");
  socket.send_text(R"({"type": "auth", "token": null})");
  WebSocketMessage answer = socket.next();
  ASSERT_EQ(answer.kind, Kind::Text);
  EXPECT_EQ(answer.payload, R"({"type":"auth_success"})");
}

TEST_P(WebSockets, WithoutSubprotocol_IsAcceptedInLegacyModeWithoutHandshake) {
  WebSocketClient socket(server_->port(), kEventsIn);
  ASSERT_EQ(socket.status(), 101);
  EXPECT_EQ(socket.headers().count("sec-websocket-protocol"), 0u);
  // The first frame is already an event; the server never answers one.
  socket.send_text(R"({"id": "0198d4c7-1111-7000-8000-000000000001", "occurred": "2026-08-21T10:00:01Z", )"
                   R"("event": "prefect.flow.touched", "resource": {"prefect.resource.id": "prefect.flow.1"}})");
  EXPECT_EQ(socket.next(std::chrono::milliseconds(200)).kind, Kind::Timeout);
}

TEST_P(WebSockets, FirstMessageOtherThanAuth_ClosesWithPolicyViolation) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  socket.send_text(R"({"type": "filter"})");
  WebSocketMessage closed = socket.wait_closed();
  ASSERT_EQ(closed.kind, Kind::Close);
  EXPECT_EQ(closed.close_code, 1008);
  EXPECT_EQ(closed.payload, "Expected 'auth' message");
  EXPECT_EQ(socket.next().kind, Kind::Disconnected);
}

TEST_P(WebSockets, AuthMessageThatIsNotJson_FailsTheSocket) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  socket.send_text("not json");
  WebSocketMessage closed = socket.wait_closed();
  ASSERT_EQ(closed.kind, Kind::Close);
  EXPECT_EQ(closed.close_code, 1011);
}

TEST_P(WebSockets, Ping_IsAnsweredWithPong) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  socket.send_ping("checkpoint-1");
  WebSocketMessage pong = socket.next();
  ASSERT_EQ(pong.kind, Kind::Pong);
  EXPECT_EQ(pong.payload, "checkpoint-1");
}

TEST_P(WebSockets, ClientClose_IsAnsweredAndTheConnectionEnds) {
  WebSocketClient socket(server_->port(), kEventsIn);
  ASSERT_EQ(socket.status(), 101);
  socket.close(1000);
  WebSocketMessage closed = socket.wait_closed();
  ASSERT_EQ(closed.kind, Kind::Close);
  EXPECT_EQ(closed.close_code, 1000);
  EXPECT_EQ(socket.next().kind, Kind::Disconnected);
}

TEST_P(WebSockets, UnmaskedFrame_EndsTheConnection) {
  WebSocketClient socket(server_->port(), kEventsIn);
  ASSERT_EQ(socket.status(), 101);
  socket.send_raw(std::string("\x81\x02hi", 4));  // a client frame must be masked
  WebSocketMessage closed = socket.wait_closed();
  EXPECT_TRUE(closed.kind == Kind::Close || closed.kind == Kind::Disconnected);
  if (closed.kind == Kind::Close) {
    EXPECT_EQ(closed.close_code, 1002);
  }
}

TEST_P(WebSockets, UnknownPath_IsRefusedWith403LikeStarlette) {
  WebSocketClient socket(server_->port(), "/api/events/nowhere", {"prefect"});
  EXPECT_EQ(socket.status(), 403);
  WebSocketClient http_route(server_->port(), "/api/health");
  EXPECT_EQ(http_route.status(), 403);
}

TEST_P(WebSockets, EventsIn_WithoutUpgrade_IsNotAnHttpRoute) {
  EXPECT_EQ(get("/events/in").status, 404);
}

TEST_P(WebSockets, HttpRequests_KeepWorkingWhileSocketsAreOpen) {
  WebSocketClient first(server_->port(), kEventsIn, {"prefect"});
  WebSocketClient second(server_->port(), kEventsIn);
  ASSERT_EQ(first.status(), 101);
  ASSERT_EQ(second.status(), 101);
  for (int i = 0; i < 5; ++i) {
    HttpResult health = get("/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, "true");
  }
  EXPECT_EQ(send("POST", "/flows/", R"({"name": "beside-a-socket"})").status, 201);
  first.send_text(R"({"type": "auth", "token": null})");
  EXPECT_EQ(first.next().kind, Kind::Text);
}

TEST_P(WebSockets, AFrameLargerThanOneRead_ArrivesWhole) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  socket.send_text(R"({"type": "auth", "token": null})");
  ASSERT_EQ(socket.next().kind, Kind::Text);
  // 200 kB: many TCP reads, one event. A broken reassembly fails the socket.
  socket.send_text(R"({"id": "0198d4c7-1111-7000-8000-000000000002", "occurred": "2026-08-21T10:00:01Z", )"
                   R"("event": "prefect.flow.touched", "resource": {"prefect.resource.id": "prefect.flow.1"}, )"
                   R"("payload": {"blob": ")" +
                   std::string(200000, 'x') + R"("}})");
  socket.send_ping("after");
  WebSocketMessage pong = socket.next();
  ASSERT_EQ(pong.kind, Kind::Pong);
  EXPECT_EQ(pong.payload, "after");
}

TEST_P(WebSockets, Sigterm_StopsTheServerWhileASocketIsOpen) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  EXPECT_EQ(server_->stop(SIGTERM, std::chrono::seconds(10)), 0) << server_->output();
  EXPECT_EQ(socket.next().kind, Kind::Disconnected);
}

TEST_P(WebSocketsWithAuth, RightToken_IsAccepted) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  socket.send_text(R"({"type": "auth", "token": "admin:pass"})");
  WebSocketMessage answer = socket.next();
  ASSERT_EQ(answer.kind, Kind::Text);
  EXPECT_EQ(answer.payload, R"({"type":"auth_success"})");
}

TEST_P(WebSocketsWithAuth, WrongToken_ClosesWithPolicyViolation) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  socket.send_text(R"({"type": "auth", "token": "admin:wrong"})");
  WebSocketMessage closed = socket.wait_closed();
  ASSERT_EQ(closed.kind, Kind::Close);
  EXPECT_EQ(closed.close_code, 1008);
  EXPECT_EQ(closed.payload, "Invalid token");
}

TEST_P(WebSocketsWithAuth, MissingToken_ClosesWithPolicyViolation) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  socket.send_text(R"({"type": "auth"})");
  WebSocketMessage closed = socket.wait_closed();
  ASSERT_EQ(closed.kind, Kind::Close);
  EXPECT_EQ(closed.close_code, 1008);
  EXPECT_EQ(closed.payload, "Auth required but no token provided");
}

TEST_P(WebSocketsWithAuth, WithoutPrefectSubprotocol_IsRefusedBeforeTheUpgrade) {
  WebSocketClient socket(server_->port(), kEventsIn);
  EXPECT_EQ(socket.status(), 403);
}

// Keep-alive pings every 0.2 s of silence, 0.2 s to answer.
class WebSocketKeepAlives : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (!IsSkipped()) {
      start({{"PREFECT_SERVER_API_WEBSOCKET_PING_INTERVAL", "0.2"},
             {"PREFECT_SERVER_API_WEBSOCKET_PING_TIMEOUT", "0.2"}});
    }
  }
};

TEST_P(WebSocketKeepAlives, AClientThatAnswersPings_StaysConnected) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  // Reading answers the server's pings (wslay pongs them).
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
  while (std::chrono::steady_clock::now() < until) {
    ASSERT_EQ(socket.next(std::chrono::milliseconds(50)).kind, Kind::Timeout);
  }
  socket.send_text(R"({"type": "auth", "token": null})");
  EXPECT_EQ(socket.next().kind, Kind::Text);
}

TEST_P(WebSocketKeepAlives, AClientThatNeverAnswers_IsDropped) {
  WebSocketClient socket(server_->port(), kEventsIn, {"prefect"});
  ASSERT_EQ(socket.status(), 101);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // silent: no pong goes out
  WebSocketMessage closed = socket.wait_closed();
  ASSERT_EQ(closed.kind, Kind::Close);
  EXPECT_EQ(closed.close_code, 1011);
  EXPECT_EQ(closed.payload, "keepalive ping timeout");
  EXPECT_EQ(get("/health").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebSocketKeepAlives, testing::ValuesIn(backend_names()), backend_test_name);
INSTANTIATE_TEST_SUITE_P(Backends, WebSockets, testing::ValuesIn(backend_names()), backend_test_name);
INSTANTIATE_TEST_SUITE_P(Backends, WebSocketsWithAuth, testing::ValuesIn(backend_names()), backend_test_name);

}  // namespace
}  // namespace prefectd
