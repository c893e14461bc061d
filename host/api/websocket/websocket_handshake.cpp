#include "websocket_handshake.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace prefectd {
namespace {

constexpr std::string_view kHandshakeGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool is_websocket_upgrade(const HttpRequest &request) {
  const auto upgrade = request.header("upgrade");
  return upgrade && equals_ignoring_case(trim(*upgrade), "websocket");
}

std::vector<std::string> offered_subprotocols(const HttpRequest &request) {
  std::vector<std::string> offered;
  const auto header = request.header("sec-websocket-protocol");
  if (!header) return offered;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto item = trim(rest.substr(0, comma));
    if (!item.empty()) offered.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return offered;
}

std::string websocket_accept_value(std::string_view client_key) {
  std::string keyed(trim(client_key));
  keyed += kHandshakeGuid;
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char *>(keyed.data()), keyed.size(), digest.data());
  std::array<unsigned char, 4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1> encoded{};
  const int length = EVP_EncodeBlock(encoded.data(), digest.data(), SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<const char *>(encoded.data()), static_cast<size_t>(length));
}

std::string switching_protocols_response(std::string_view client_key, const std::optional<std::string> &subprotocol) {
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: ";
  response += websocket_accept_value(client_key);
  response += "\r\n";
  if (subprotocol) response += "Sec-WebSocket-Protocol: " + *subprotocol + "\r\n";
  response += "\r\n";
  return response;
}

}  // namespace prefectd
