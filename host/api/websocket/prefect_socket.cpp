#include "prefect_socket.h"

#include "websocket_handshake.h"

#include <openssl/crypto.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace prefectd {
namespace {

constexpr std::string_view kPrefectSubprotocol = "prefect";

bool same_secret(const std::string &given, const std::string &expected) {
  // Constant time in the content, as Prefect's hmac.compare_digest.
  return given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

// Waits for the auth message, then passes everything to the route's session.
class AuthenticatingSession final : public WebSocketSession {
 public:
  AuthenticatingSession(std::unique_ptr<WebSocketSession> route, std::optional<std::string> auth_string)
      : route_(std::move(route)), auth_string_(std::move(auth_string)) {}

  void on_text(WebSocketChannel &channel, std::string_view message) override {
    if (authenticated_) {
      route_->on_text(channel, message);
      return;
    }
    rapidjson::Document parsed;
    parsed.Parse(message.data(), message.size());
    // Prefect's receive_json raises on anything but a JSON object here,
    // which fails the socket like any other unhandled error.
    if (parsed.HasParseError() || !parsed.IsObject()) throw std::invalid_argument("auth message is not a JSON object");
    auto type = parsed.FindMember("type");
    if (type == parsed.MemberEnd() || !type->value.IsString() || std::string_view(type->value.GetString()) != "auth") {
      spdlog::warn("websocket closed: expected 'auth' message first");
      channel.close(CloseCode::PolicyViolation, "Expected 'auth' message");
      return;
    }
    if (auth_string_) {
      auto token = parsed.FindMember("token");
      const bool has_token = token != parsed.MemberEnd() && !token->value.IsNull() &&
                             !(token->value.IsString() && token->value.GetStringLength() == 0);
      if (!has_token) {
        spdlog::warn("websocket closed: auth required but no token received");
        channel.close(CloseCode::PolicyViolation, "Auth required but no token provided");
        return;
      }
      if (!token->value.IsString()) throw std::invalid_argument("auth token is not a string");
      if (!same_secret(std::string(token->value.GetString(), token->value.GetStringLength()), *auth_string_)) {
        spdlog::warn("websocket closed: invalid token");
        channel.close(CloseCode::PolicyViolation, "Invalid token");
        return;
      }
    }
    authenticated_ = true;
    channel.send_text(R"({"type":"auth_success"})");
    route_->on_open(channel);
  }

  void on_binary(WebSocketChannel &channel, std::string_view message) override {
    if (authenticated_) {
      route_->on_binary(channel, message);
    } else {
      WebSocketSession::on_binary(channel, message);
    }
  }

 private:
  std::unique_ptr<WebSocketSession> route_;
  std::optional<std::string> auth_string_;
  bool authenticated_ = false;
};

}  // namespace

WebSocketAcceptance accept_prefect_socket(const HttpRequest &request, std::unique_ptr<WebSocketSession> route_session,
                                          const std::optional<std::string> &auth_string) {
  WebSocketAcceptance acceptance;
  const auto offered = offered_subprotocols(request);
  const bool speaks_prefect = std::find(offered.begin(), offered.end(), kPrefectSubprotocol) != offered.end();
  const auto configured_auth = auth_string && !auth_string->empty() ? auth_string : std::nullopt;
  if (!speaks_prefect) {
    if (configured_auth) {
      // Prefect closes before accepting, which uvicorn answers with 403.
      spdlog::warn("websocket rejected: 'prefect' subprotocol required when auth is configured");
      acceptance.refusal = HttpResponse(403, "");
      acceptance.refusal->content_type.clear();
      return acceptance;
    }
    acceptance.session = std::move(route_session);
    return acceptance;
  }
  acceptance.subprotocol = std::string(kPrefectSubprotocol);
  acceptance.session = std::make_unique<AuthenticatingSession>(std::move(route_session), configured_auth);
  return acceptance;
}

}  // namespace prefectd
