#include "event.h"

#include "api/json_writer.h"
#include "settings/settings.h"

#include <stdexcept>

namespace prefectd {
namespace {

constexpr std::string_view kResourceId = "prefect.resource.id";
constexpr std::string_view kResourceRole = "prefect.resource.role";

std::vector<LocationPart> at_path(std::vector<LocationPart> base, std::initializer_list<LocationPart> more) {
  base.insert(base.end(), more);
  return base;
}

void add_value_error(std::vector<ValidationIssue> &issues, std::vector<LocationPart> location,
                     const std::string &message, const rapidjson::Value &input) {
  issues.push_back({"value_error", std::move(location), "Value error, " + message, to_json(input), "{\"error\":{}}"});
}

// The first broken rule of a resource, or "" when it keeps them all.
std::string resource_problem(const rapidjson::Value &resource, const EventLimits &limits, bool related) {
  if (!resource.IsObject()) return "";
  if (resource.MemberCount() > limits.labels_per_resource) {
    return "The maximum number of labels per resource is " + std::to_string(limits.labels_per_resource);
  }
  auto id = resource.FindMember(kResourceId.data());
  if (id == resource.MemberEnd()) return "Resources must include the prefect.resource.id label";
  if (id->value.IsString() && id->value.GetStringLength() == 0)
    return "The prefect.resource.id label must be non-empty";
  if (related) {
    auto role = resource.FindMember(kResourceRole.data());
    if (role == resource.MemberEnd()) return "Related Resources must include the prefect.resource.role label";
    if (role->value.IsString() && role->value.GetStringLength() == 0) {
      return "The prefect.resource.role label must be non-empty";
    }
  }
  return "";
}

size_t code_points(std::string_view text) {
  size_t count = 0;
  for (unsigned char byte : text) count += (byte & 0xC0) != 0x80;
  return count;
}

const rapidjson::Value &required(const rapidjson::Value &event, const char *name) {
  auto member = event.FindMember(name);
  if (member == event.MemberEnd()) throw std::invalid_argument(std::string(name) + ": Field required");
  return member->value;
}

std::string string_of(const rapidjson::Value &value, const char *name) {
  if (!value.IsString()) throw std::invalid_argument(std::string(name) + ": Input should be a valid string");
  return std::string(value.GetString(), value.GetStringLength());
}

Uuid uuid_of(const rapidjson::Value &value, const char *name) {
  auto parsed =
      value.IsString() ? Uuid::parse(std::string_view(value.GetString(), value.GetStringLength())) : std::nullopt;
  if (!parsed) throw std::invalid_argument(std::string(name) + ": Input should be a valid UUID");
  return *parsed;
}

ResourceLabels labels_of(const rapidjson::Value &value, const char *name) {
  if (!value.IsObject()) throw std::invalid_argument(std::string(name) + ": Input should be a valid dictionary");
  ResourceLabels labels;
  for (const auto &label : value.GetObject()) {
    labels.emplace(std::string(label.name.GetString(), label.name.GetStringLength()), string_of(label.value, name));
  }
  return labels;
}

}  // namespace

std::optional<std::string_view> ReceivedEvent::resource_label(std::string_view label) const {
  auto found = resource.find(label);
  if (found == resource.end()) return std::nullopt;
  return found->second;
}

const ResourceLabels *ReceivedEvent::related_in_role(std::string_view role) const {
  for (const ResourceLabels &labels : related) {
    auto found = labels.find(kResourceRole);
    if (found != labels.end() && found->second == role) return &labels;
  }
  return nullptr;
}

EventLimits EventLimits::from(const Settings &settings) {
  EventLimits limits;
  limits.labels_per_resource =
      static_cast<size_t>(settings.integer("PREFECT_SERVER_EVENTS_MAXIMUM_LABELS_PER_RESOURCE"));
  limits.related_resources = static_cast<size_t>(settings.integer("PREFECT_SERVER_EVENTS_MAXIMUM_RELATED_RESOURCES"));
  limits.event_name_length = static_cast<size_t>(settings.integer("PREFECT_SERVER_EVENTS_MAXIMUM_EVENT_NAME_LENGTH"));
  return limits;
}

void check_event_rules(const rapidjson::Value &event, const EventLimits &limits, const std::vector<LocationPart> &at,
                       std::vector<ValidationIssue> &issues) {
  if (!event.IsObject()) return;
  auto name = event.FindMember("event");
  if (name != event.MemberEnd() && name->value.IsString() &&
      code_points(std::string_view(name->value.GetString(), name->value.GetStringLength())) >
          limits.event_name_length) {
    add_value_error(issues, at_path(at, {std::string("event")}),
                    "Event name must be at most " + std::to_string(limits.event_name_length) + " characters",
                    name->value);
  }
  auto resource = event.FindMember("resource");
  if (resource != event.MemberEnd()) {
    if (auto problem = resource_problem(resource->value, limits, false); !problem.empty()) {
      add_value_error(issues, at_path(at, {std::string("resource")}), problem, resource->value);
    }
  }
  auto related = event.FindMember("related");
  if (related != event.MemberEnd() && related->value.IsArray()) {
    size_t index = 0;
    bool resources_valid = true;
    for (const auto &item : related->value.GetArray()) {
      if (auto problem = resource_problem(item, limits, true); !problem.empty()) {
        add_value_error(issues, at_path(at, {std::string("related"), index}), problem, item);
        resources_valid = false;
      }
      ++index;
    }
    // A field validator runs only once its items are valid.
    if (resources_valid && related->value.Size() > limits.related_resources) {
      add_value_error(issues, at_path(at, {std::string("related")}),
                      "The maximum number of related resources is " + std::to_string(limits.related_resources),
                      related->value);
    }
  }
}

ReceivedEvent receive_event(const rapidjson::Value &event, const EventLimits &limits, Timestamp received) {
  if (!event.IsObject()) throw std::invalid_argument("Input should be a valid dictionary");
  ReceivedEvent parsed;
  parsed.received = received;
  const rapidjson::Value &occurred = required(event, "occurred");
  auto when = occurred.IsString() ? Timestamp::parse(std::string_view(occurred.GetString(), occurred.GetStringLength()))
                                  : std::nullopt;
  if (!when) throw std::invalid_argument("occurred: Input should be a valid datetime");
  parsed.occurred = *when;
  parsed.event = string_of(required(event, "event"), "event");
  parsed.resource = labels_of(required(event, "resource"), "resource");
  if (auto related = event.FindMember("related"); related != event.MemberEnd()) {
    if (!related->value.IsArray()) throw std::invalid_argument("related: Input should be a valid list");
    for (const auto &item : related->value.GetArray()) parsed.related.push_back(labels_of(item, "related"));
  }
  if (auto payload = event.FindMember("payload"); payload != event.MemberEnd()) {
    if (!payload->value.IsObject()) throw std::invalid_argument("payload: Input should be a valid dictionary");
    parsed.payload_json = to_json(payload->value);
  }
  parsed.id = uuid_of(required(event, "id"), "id");
  if (auto follows = event.FindMember("follows"); follows != event.MemberEnd() && !follows->value.IsNull()) {
    parsed.follows = uuid_of(follows->value, "follows");
  }
  std::vector<ValidationIssue> issues;
  check_event_rules(event, limits, {}, issues);
  if (!issues.empty()) throw std::invalid_argument(issues.front().message);
  return parsed;
}

void write_received_event(const ReceivedEvent &event, rapidjson::Value &out,
                          rapidjson::Document::AllocatorType &allocator) {
  auto string = [&allocator](std::string_view text) {
    return rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
  };
  auto labels = [&](const ResourceLabels &resource) {
    rapidjson::Value object(rapidjson::kObjectType);
    for (const auto &[name, value] : resource) object.AddMember(string(name), string(value), allocator);
    return object;
  };
  out.SetObject();
  out.AddMember("occurred", string(event.occurred.to_iso8601()), allocator);
  out.AddMember("event", string(event.event), allocator);
  out.AddMember("resource", labels(event.resource), allocator);
  rapidjson::Value related(rapidjson::kArrayType);
  for (const auto &resource : event.related) related.PushBack(labels(resource), allocator);
  out.AddMember("related", related, allocator);
  rapidjson::Document payload;
  payload.Parse(event.payload_json.c_str());
  out.AddMember("payload", rapidjson::Value(payload, allocator), allocator);
  out.AddMember("id", string(event.id.to_string()), allocator);
  out.AddMember("follows", event.follows ? string(event.follows->to_string()) : rapidjson::Value(), allocator);
  out.AddMember("received", string(event.received.to_iso8601()), allocator);
}

}  // namespace prefectd
