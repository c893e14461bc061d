// gzip for large answers, as Prefect's API app does with Starlette's
// GZipMiddleware (bodies of 500 bytes or more, level 9, when the client's
// Accept-Encoding names gzip).
#pragma once

#include "http_types.h"

namespace prefectd {

// Never throws: on failure the answer goes out uncompressed.
void compress_if_accepted(const HttpRequest &request, HttpResponse &response);

}  // namespace prefectd
