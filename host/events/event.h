// An event as the server receives it (Prefect's ReceivedEvent,
// events/schemas/events.py): who sent what about which resource, stamped
// with the time it arrived. Parsing applies the model's own validators,
// which the OpenAPI document cannot express.
#pragma once

#include "api/error_responses.h"
#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class Settings;

// A resource: labels, among them "prefect.resource.id" (and, for a related
// resource, "prefect.resource.role").
using ResourceLabels = std::map<std::string, std::string, std::less<>>;

struct ReceivedEvent {
  Uuid id;
  Timestamp occurred;
  std::string event;  // "prefect.task-run.Running"
  ResourceLabels resource;
  std::vector<ResourceLabels> related;
  std::string payload_json = "{}";  // an object, compact
  std::optional<Uuid> follows;
  Timestamp received;

  const std::string &resource_id() const { return resource.at("prefect.resource.id"); }
  // A label of the primary resource, nullopt when absent.
  std::optional<std::string_view> resource_label(std::string_view label) const;
  // The first related resource with `role` (Prefect's resource_in_role).
  const ResourceLabels *related_in_role(std::string_view role) const;
};

// PREFECT_SERVER_EVENTS_MAXIMUM_LABELS_PER_RESOURCE, _MAXIMUM_RELATED_RESOURCES
// and _MAXIMUM_EVENT_NAME_LENGTH.
struct EventLimits {
  size_t labels_per_resource = 500;
  size_t related_resources = 100;
  size_t event_name_length = 1024;

  static EventLimits from(const Settings &settings);
};

// Prefect's validators of an Event that already has the contract's shape
// (the resource ids and roles, the limits), as pydantic value_errors located
// under `at` (e.g. {"body", 0}).
void check_event_rules(const rapidjson::Value &event, const EventLimits &limits, const std::vector<LocationPart> &at,
                       std::vector<ValidationIssue> &issues);

// An Event as Prefect's Event.model_validate(...).receive() makes it: types
// checked, rules applied, `received` stamped. Throws std::invalid_argument
// naming the first problem.
ReceivedEvent receive_event(const rapidjson::Value &event, const EventLimits &limits, Timestamp received);

// The ReceivedEvent response object.
void write_received_event(const ReceivedEvent &event, rapidjson::Value &out,
                          rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
