#include "csrf_token.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace prefectd {

std::string to_json(const CsrfToken &token) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  auto write_string = [&](const char *key, const std::string &value) {
    writer.Key(key);
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  writer.StartObject();
  write_string("id", token.id.to_string());
  write_string("created", token.created.to_iso8601());
  write_string("updated", token.updated.to_iso8601());
  write_string("token", token.token);
  write_string("client", token.client);
  write_string("expiration", token.expiration.to_iso8601());
  writer.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace prefectd
