// Fernet tokens (the spec Python's cryptography.fernet implements): Prefect
// encrypts block document data with them, so a database written by Python
// Prefect and one written by prefectd read the same.
//   token = base64url(0x80 | timestamp (8, big endian) | IV (16) |
//                     AES-128-CBC(PKCS7(plaintext)) | HMAC-SHA256 (32))
// The key is base64url of 32 bytes: signing key, then encryption key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

class Fernet {
 public:
  // Throws std::invalid_argument unless `key` is base64url of 32 bytes.
  explicit Fernet(std::string_view key);

  // A fresh key, as Fernet.generate_key() makes one.
  static std::string generate_key();

  std::string encrypt(std::string_view plaintext) const;
  // Nullopt when the token is malformed or its signature does not match.
  std::optional<std::string> decrypt(std::string_view token) const;

 private:
  std::string signing_key_;
  std::string encryption_key_;
};

}  // namespace prefectd
