#include "fernet.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace prefectd {
namespace {

constexpr unsigned char kVersion = 0x80;
constexpr size_t kIvSize = 16;
constexpr size_t kHmacSize = 32;
constexpr size_t kHeaderSize = 1 + 8 + kIvSize;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) text.push_back(kAlphabet[(n >> shift) & 63]);
  }
  if (const size_t rest = bytes.size() - i; rest > 0) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (rest == 2) n |= uint8_t(bytes[i + 1]) << 8;
    text.push_back(kAlphabet[(n >> 18) & 63]);
    text.push_back(kAlphabet[(n >> 12) & 63]);
    text.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    text.push_back('=');
  }
  return text;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string bytes;
  bytes.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '-' || c == '+')
      value = 62;
    else if (c == '_' || c == '/')
      value = 63;
    else
      return std::nullopt;
    buffer = (buffer << 6) | uint32_t(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(char((buffer >> bits) & 0xff));
    }
  }
  return bytes;
}

std::string hmac_sha256(const std::string &key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), int(key.size()), reinterpret_cast<const unsigned char *>(message.data()),
       message.size(), digest.data(), &length);
  return std::string(reinterpret_cast<const char *>(digest.data()), length);
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// AES-128-CBC with PKCS7 padding (OpenSSL's default); nullopt on bad padding.
std::optional<std::string> aes_cbc(bool encrypting, const std::string &key, std::string_view iv,
                                   std::string_view input) {
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!context) throw std::bad_alloc();
  const auto *key_bytes = reinterpret_cast<const unsigned char *>(key.data());
  const auto *iv_bytes = reinterpret_cast<const unsigned char *>(iv.data());
  if (EVP_CipherInit_ex(context.get(), EVP_aes_128_cbc(), nullptr, key_bytes, iv_bytes, encrypting ? 1 : 0) != 1)
    return std::nullopt;
  std::string output(input.size() + kIvSize, '\0');
  int written = 0;
  int final_written = 0;
  auto *out = reinterpret_cast<unsigned char *>(output.data());
  if (EVP_CipherUpdate(context.get(), out, &written, reinterpret_cast<const unsigned char *>(input.data()),
                       int(input.size())) != 1)
    return std::nullopt;
  if (EVP_CipherFinal_ex(context.get(), out + written, &final_written) != 1) return std::nullopt;
  output.resize(size_t(written + final_written));
  return output;
}

}  // namespace

Fernet::Fernet(std::string_view key) {
  auto bytes = base64url_decode(key);
  if (!bytes || bytes->size() != 32)
    throw std::invalid_argument("Fernet key must be 32 url-safe base64-encoded bytes.");
  signing_key_ = bytes->substr(0, 16);
  encryption_key_ = bytes->substr(16);
}

std::string Fernet::generate_key() {
  std::string bytes(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), int(bytes.size())) != 1)
    throw std::runtime_error("no random bytes for a Fernet key");
  return base64url_encode(bytes);
}

std::string Fernet::encrypt(std::string_view plaintext) const {
  std::string iv(kIvSize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char *>(iv.data()), int(iv.size())) != 1)
    throw std::runtime_error("no random bytes for a Fernet IV");
  const auto seconds = uint64_t(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::string token(1, char(kVersion));
  for (int shift = 56; shift >= 0; shift -= 8) token.push_back(char((seconds >> shift) & 0xff));
  token += iv;
  token += *aes_cbc(true, encryption_key_, iv, plaintext);
  token += hmac_sha256(signing_key_, token);
  return base64url_encode(token);
}

std::optional<std::string> Fernet::decrypt(std::string_view token) const {
  auto bytes = base64url_decode(token);
  if (!bytes || bytes->size() < kHeaderSize + kHmacSize || uint8_t((*bytes)[0]) != kVersion) return std::nullopt;
  const std::string_view whole(*bytes);
  const std::string_view signed_part = whole.substr(0, whole.size() - kHmacSize);
  const std::string expected = hmac_sha256(signing_key_, signed_part);
  if (CRYPTO_memcmp(expected.data(), whole.data() + signed_part.size(), kHmacSize) != 0) return std::nullopt;
  return aes_cbc(false, encryption_key_, whole.substr(9, kIvSize), signed_part.substr(kHeaderSize));
}

}  // namespace prefectd
