#include "response_compression.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace prefectd {
namespace {

constexpr size_t kMinimumSize = 500;
constexpr int kLevel = 9;
constexpr int kGzipWindowBits = 15 + 16;  // 16: write a gzip header, not zlib's

bool accepts_gzip(const HttpRequest &request) {
  auto accepted = request.header("accept-encoding");
  if (!accepted) return false;
  std::string lowered = *accepted;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered.find("gzip") != std::string::npos;
}

std::string gzip(const std::string &plain) {
  z_stream stream{};
  if (deflateInit2(&stream, kLevel, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib could not start a gzip stream");
  }
  std::unique_ptr<z_stream, decltype(&deflateEnd)> guard(&stream, deflateEnd);
  std::string compressed(deflateBound(&stream, static_cast<uLong>(plain.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef *>(compressed.data());
  stream.avail_out = static_cast<uInt>(compressed.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("zlib could not finish a gzip stream");
  compressed.resize(stream.total_out);
  return compressed;
}

}  // namespace

void compress_if_accepted(const HttpRequest &request, HttpResponse &response) {
  if (response.body.size() < kMinimumSize || !accepts_gzip(request)) return;
  for (const auto &[name, value] : response.headers) {
    if (name == "Content-Encoding") return;  // already encoded by its route
  }
  try {
    response.body = gzip(response.body);
  } catch (const std::exception &) {
    return;  // an uncompressed answer is still a right one
  }
  response.headers.emplace_back("Content-Encoding", "gzip");
  response.headers.emplace_back("Vary", "Accept-Encoding");
}

}  // namespace prefectd
