#include "fernet.h"

#include "base64.h"

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
