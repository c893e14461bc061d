#include "request_dispatcher.h"

#include "database/database_error.h"
#include "error_responses.h"
#include "response_compression.h"
#include "server_context.h"
#include "settings/settings.h"
#include "validation/request_validator.h"
#include "websocket/websocket_session.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <tuple>

namespace prefectd {
namespace {

constexpr int kMinimumApiVersion[3] = {0, 8, 0};

// X-PREFECT-API-VERSION must be x.y.z and at least 0.8.0 (api-surface.md §1.5).
std::optional<HttpResponse> check_api_version(const HttpRequest &request) {
  auto header = request.header("x-prefect-api-version");
  if (!header) return std::nullopt;
  int parts[3] = {0, 0, 0};
  std::string_view text = *header;
  bool valid = true;
  for (int i = 0; i < 3 && valid; ++i) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parts[i]);
    valid = error == std::errc() && end != text.data();
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    if (i < 2) valid = valid && text.starts_with('.');
    if (valid && i < 2) text.remove_prefix(1);
  }
  if (!valid || !text.empty()) {
    return detail_response(
        400, "Invalid X-PREFECT-API-VERSION header format.Expected header in format 'x.y.z' but received " + *header);
  }
  if (std::tie(parts[0], parts[1], parts[2]) <
      std::tie(kMinimumApiVersion[0], kMinimumApiVersion[1], kMinimumApiVersion[2])) {
    return detail_response(
        400, "The request specified API version " + *header + " but this server requires version 0.8.0 or higher.");
  }
  return std::nullopt;
}

}  // namespace

Execution RequestDispatcher::execution_for(const HttpRequest &request) const {
  Router::Match match = router_.match(request.method, request.path);
  return match.outcome == Router::Outcome::Matched ? match.route->execution : Execution::Inline;
}

WebSocketAcceptance RequestDispatcher::accept_websocket(const HttpRequest &request) const {
  auto refuse = [](int status) {
    WebSocketAcceptance refused;
    refused.refusal = HttpResponse(status, "");
    refused.refusal->content_type.clear();
    return refused;
  };
  Router::WebSocketMatch match = router_.match_websocket(request.path);
  // Starlette closes an unrouted websocket before accepting it: 403.
  if (!match.route) return refuse(403);
  if (request.method != "GET" || !request.header("sec-websocket-key") ||
      request.header("sec-websocket-version").value_or("") != "13") {
    return refuse(400);
  }
  try {
    return accept_prefect_socket(request, match.route->open(context_, match.parameters),
                                 context_.settings.text("PREFECT_SERVER_API_AUTH_STRING"));
  } catch (const std::exception &error) {
    spdlog::error("opening websocket {} failed: {}", request.path, error.what());
    return refuse(500);
  }
}

HttpResponse RequestDispatcher::dispatch(const HttpRequest &request) const {
  HttpResponse response = route(request);
  compress_if_accepted(request, response);
  return response;
}

HttpResponse RequestDispatcher::route(const HttpRequest &request) const {
  Router::Match match = router_.match(request.method, request.path);
  switch (match.outcome) {
    case Router::Outcome::NotFound:
      return not_found_response();
    case Router::Outcome::MethodNotAllowed:
      return method_not_allowed_response();
    case Router::Outcome::Redirect: {
      HttpResponse redirect{307, ""};
      std::string location = match.redirect_path;
      for (size_t i = 0; i < request.query.size(); ++i) {
        location += (i == 0 ? "?" : "&") + request.query[i].first + "=" + request.query[i].second;
      }
      redirect.headers.emplace_back("Location", location);
      return redirect;
    }
    case Router::Outcome::Matched:
      break;
  }
  if (match.route->checks_api_version) {
    if (auto refusal = check_api_version(request)) return *refusal;
  }
  try {
    std::optional<HttpRequest> upgraded;
    if (match.route->upgrade_body && !request.body.empty()) {
      upgraded = request;
      upgraded->body = match.route->upgrade_body(request.body);
    }
    const HttpRequest &effective = upgraded ? *upgraded : request;
    ValidatedRequest validated;
    if (match.validator != nullptr) match.validator->validate(effective, validated);
    return match.route->handler(RouteCall{effective, match.parameters, validated.body, validated.query, context_});
  } catch (const HttpError &error) {
    return {error.status(), error.body()};
  } catch (const DatabaseError &error) {
    if (error.retryable()) {
      spdlog::warn("{} {}: retryable database error: {}", request.method, request.path, error.what());
      return service_unavailable_response();
    }
    if (error.status() == PD_CONSTRAINT) {
      spdlog::warn("{} {}: integrity error: {}", request.method, request.path, error.what());
      return integrity_conflict_response();
    }
    spdlog::error("{} {}: database error: {}", request.method, request.path, error.what());
    return internal_error_response();
  } catch (const std::exception &error) {
    spdlog::error("{} {}: unhandled error: {}", request.method, request.path, error.what());
    return internal_error_response();
  }
}

}  // namespace prefectd
