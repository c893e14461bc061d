#include "router.h"

#include "core/uuid.h"
#include "validation/prefect_contract.h"

#include <stdexcept>

namespace prefectd {
namespace {

// "/a/b/" → {"a", "b", ""}: a trailing slash is an empty last segment, so
// "/flows/" and "/flows" stay different routes.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

Router::Router(std::string mount) : mount_(std::move(mount)) {
  while (mount_.ends_with('/')) mount_.pop_back();
}

void Router::add(Route route) {
  std::shared_ptr<const RequestValidator> validator;
  if (route.validation != RequestValidation::None) {
    validator = prefect_request_validator(route.method, route.pattern,
                                          route.validation == RequestValidation::FromContract
                                              ? RequestValidator::BodyDefaults::Fill
                                              : RequestValidator::BodyDefaults::LeaveUnset);
  }
  auto &stored = routes_.emplace_back(std::make_unique<Route>(std::move(route)));
  compiled_.push_back(CompiledRoute{stored.get(), compile(stored->pattern), std::move(validator)});
}

std::vector<Router::Segment> Router::compile(const std::string &pattern) {
  std::vector<Segment> segments;
  for (std::string_view part : split_path(pattern)) {
    if (part.starts_with('{') && part.ends_with('}')) {
      std::string_view inner = part.substr(1, part.size() - 2);
      size_t colon = inner.find(':');
      std::string name(inner.substr(0, colon));
      std::string_view type = colon == std::string_view::npos ? "" : inner.substr(colon + 1);
      if (type != "" && type != "uuid") throw std::logic_error("unknown path converter in " + pattern);
      segments.push_back({type == "uuid" ? Segment::Kind::Uuid : Segment::Kind::Any, std::move(name)});
    } else {
      segments.push_back({Segment::Kind::Literal, std::string(part)});
    }
  }
  return segments;
}

void Router::add_websocket(WebSocketRoute route) {
  auto &stored = websocket_routes_.emplace_back(std::make_unique<WebSocketRoute>(std::move(route)));
  compiled_websockets_.push_back(CompiledWebSocketRoute{stored.get(), compile(stored->pattern)});
}

Router::WebSocketMatch Router::match_websocket(std::string_view path) const {
  WebSocketMatch match;
  auto parts = relative_parts(path);
  if (!parts) return match;
  for (const CompiledWebSocketRoute &compiled : compiled_websockets_) {
    if (fits(compiled.segments, *parts, match.parameters)) {
      match.route = compiled.route;
      break;
    }
  }
  return match;
}

std::optional<std::vector<std::string_view>> Router::relative_parts(std::string_view path) const {
  if (!path.starts_with(mount_)) return std::nullopt;
  std::string_view relative = path.substr(mount_.size());
  if (!relative.starts_with('/')) return std::nullopt;
  return split_path(relative);
}

bool Router::fits(const std::vector<Segment> &segments, const std::vector<std::string_view> &parts,
                  PathParameters &parameters) {
  if (segments.size() != parts.size()) return false;
  PathParameters found;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Segment &segment = segments[i];
    switch (segment.kind) {
      case Segment::Kind::Literal:
        if (segment.text != parts[i]) return false;
        break;
      case Segment::Kind::Any:
        if (parts[i].empty()) return false;
        found.emplace(segment.text, std::string(parts[i]));
        break;
      case Segment::Kind::Uuid:
        if (!Uuid::parse(parts[i])) return false;
        found.emplace(segment.text, std::string(parts[i]));
        break;
    }
  }
  parameters = std::move(found);
  return true;
}

std::vector<const Router::CompiledRoute *> Router::candidates(std::string_view path, PathParameters &parameters) const {
  std::vector<const CompiledRoute *> found;
  auto parts = relative_parts(path);
  if (!parts) return found;
  for (const CompiledRoute &compiled : compiled_) {
    PathParameters candidate_parameters;
    if (fits(compiled.segments, *parts, candidate_parameters)) {
      if (found.empty()) parameters = std::move(candidate_parameters);
      found.push_back(&compiled);
    }
  }
  return found;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match match;
  auto fitting = candidates(path, match.parameters);
  for (const CompiledRoute *compiled : fitting) {
    if (compiled->route->method == method) {
      // Re-fit to take this route's own parameter names.
      fits(compiled->segments, split_path(path.substr(mount_.size())), match.parameters);
      match.outcome = Outcome::Matched;
      match.route = compiled->route;
      match.validator = compiled->validator.get();
      return match;
    }
  }
  if (!fitting.empty()) {
    match.outcome = Outcome::MethodNotAllowed;
    return match;
  }
  std::string other(path);
  if (other.ends_with('/'))
    other.pop_back();
  else
    other.push_back('/');
  PathParameters ignored;
  if (other.size() > mount_.size() && !candidates(other, ignored).empty()) {
    match.outcome = Outcome::Redirect;
    match.redirect_path = std::move(other);
  }
  return match;
}

Uuid path_id(const RouteCall &call) {
  return *Uuid::parse(call.path.at("id"));
}

}  // namespace prefectd
