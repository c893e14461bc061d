#include "state.h"

#include "api/json_writer.h"
#include "core/python_json.h"

#include <array>
#include <cctype>
#include <utility>

namespace prefectd {
namespace {

using Allocator = rapidjson::Document::AllocatorType;

constexpr std::array<std::pair<StateType, std::string_view>, 9> kStateTypeNames{{
    {StateType::Scheduled, "SCHEDULED"},
    {StateType::Pending, "PENDING"},
    {StateType::Running, "RUNNING"},
    {StateType::Completed, "COMPLETED"},
    {StateType::Failed, "FAILED"},
    {StateType::Cancelled, "CANCELLED"},
    {StateType::Crashed, "CRASHED"},
    {StateType::Paused, "PAUSED"},
    {StateType::Cancelling, "CANCELLING"},
}};

const rapidjson::Value *member(const rapidjson::Value &object, const char *key) {
  if (!object.IsObject()) return nullptr;
  auto found = object.FindMember(key);
  if (found == object.MemberEnd() || found->value.IsNull()) return nullptr;
  return &found->value;
}

std::optional<std::string> string_member(const rapidjson::Value &object, const char *key) {
  const auto *value = member(object, key);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<Uuid> uuid_member(const rapidjson::Value &object, const char *key) {
  auto text = string_member(object, key);
  return text ? Uuid::parse(*text) : std::nullopt;
}

std::optional<Timestamp> timestamp_member(const rapidjson::Value &object, const char *key) {
  auto text = string_member(object, key);
  return text ? Timestamp::parse(*text) : std::nullopt;
}

std::optional<bool> bool_member(const rapidjson::Value &object, const char *key) {
  const auto *value = member(object, key);
  if (value == nullptr || !value->IsBool()) return std::nullopt;
  return value->GetBool();
}

StateDetails details_from_value(const rapidjson::Value &object) {
  StateDetails details;
  if (!object.IsObject()) return details;
  details.flow_run_id = uuid_member(object, "flow_run_id");
  details.task_run_id = uuid_member(object, "task_run_id");
  details.child_flow_run_id = uuid_member(object, "child_flow_run_id");
  details.scheduled_time = timestamp_member(object, "scheduled_time");
  details.cache_key = string_member(object, "cache_key");
  details.cache_expiration = timestamp_member(object, "cache_expiration");
  // deferred defaults to false but an explicit null stays null.
  if (object.HasMember("deferred")) details.deferred = bool_member(object, "deferred");
  details.untrackable_result = bool_member(object, "untrackable_result").value_or(false);
  details.pause_timeout = timestamp_member(object, "pause_timeout");
  details.pause_reschedule = bool_member(object, "pause_reschedule").value_or(false);
  details.pause_key = string_member(object, "pause_key");
  if (const auto *keyset = member(object, "run_input_keyset"); keyset != nullptr && keyset->IsObject()) {
    details.run_input_keyset_json = to_python_json(*keyset);
  }
  details.refresh_cache = bool_member(object, "refresh_cache");
  details.retriable = bool_member(object, "retriable");
  details.transition_id = uuid_member(object, "transition_id");
  details.task_parameters_id = uuid_member(object, "task_parameters_id");
  details.traceparent = string_member(object, "traceparent");
  details.deployment_concurrency_lease_id = uuid_member(object, "deployment_concurrency_lease_id");
  return details;
}

class ObjectWriter {
 public:
  ObjectWriter(rapidjson::Value &out, Allocator &allocator) : out_(out), allocator_(allocator) { out_.SetObject(); }

  void string(const char *key, std::string_view text) {
    add(key, rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator_));
  }
  void optional_string(const char *key, const std::optional<std::string> &text) {
    if (text) {
      string(key, *text);
    } else {
      add(key, rapidjson::Value());
    }
  }
  void optional_uuid(const char *key, const std::optional<Uuid> &id) {
    optional_string(key, id ? std::optional(id->to_string()) : std::nullopt);
  }
  void optional_timestamp(const char *key, const std::optional<Timestamp> &time) {
    optional_string(key, time ? std::optional(time->to_iso8601()) : std::nullopt);
  }
  void optional_bool(const char *key, const std::optional<bool> &flag) {
    add(key, flag ? rapidjson::Value(*flag) : rapidjson::Value());
  }
  // Stored JSON text, embedded as a value (null if absent or unparseable).
  void optional_json(const char *key, const std::optional<std::string> &json) {
    rapidjson::Value value;
    if (json) {
      rapidjson::Document parsed(&allocator_);
      parsed.Parse(json->c_str());
      if (!parsed.HasParseError()) value.CopyFrom(parsed, allocator_);
    }
    add(key, std::move(value));
  }
  void add(const char *key, rapidjson::Value value) { out_.AddMember(rapidjson::StringRef(key), value, allocator_); }

 private:
  rapidjson::Value &out_;
  Allocator &allocator_;
};

void write_details(const StateDetails &details, rapidjson::Value &out, Allocator &allocator) {
  // Field order is StateDetails' model order, which model_dump keeps.
  ObjectWriter writer(out, allocator);
  writer.optional_uuid("flow_run_id", details.flow_run_id);
  writer.optional_uuid("task_run_id", details.task_run_id);
  writer.optional_uuid("child_flow_run_id", details.child_flow_run_id);
  writer.optional_timestamp("scheduled_time", details.scheduled_time);
  writer.optional_string("cache_key", details.cache_key);
  writer.optional_timestamp("cache_expiration", details.cache_expiration);
  writer.optional_bool("deferred", details.deferred);
  writer.optional_bool("untrackable_result", details.untrackable_result);
  writer.optional_timestamp("pause_timeout", details.pause_timeout);
  writer.optional_bool("pause_reschedule", details.pause_reschedule);
  writer.optional_string("pause_key", details.pause_key);
  writer.optional_json("run_input_keyset", details.run_input_keyset_json);
  writer.optional_bool("refresh_cache", details.refresh_cache);
  writer.optional_bool("retriable", details.retriable);
  writer.optional_uuid("transition_id", details.transition_id);
  writer.optional_uuid("task_parameters_id", details.task_parameters_id);
  writer.optional_string("traceparent", details.traceparent);
  writer.optional_uuid("deployment_concurrency_lease_id", details.deployment_concurrency_lease_id);
}

}  // namespace

std::string_view to_string(StateType type) {
  for (const auto &[candidate, text] : kStateTypeNames) {
    if (candidate == type) return text;
  }
  return "PENDING";
}

std::optional<StateType> parse_state_type(std::string_view text) {
  for (const auto &[type, candidate] : kStateTypeNames) {
    if (candidate == text) return type;
  }
  return std::nullopt;
}

bool is_final(StateType type) {
  return type == StateType::Completed || type == StateType::Failed || type == StateType::Cancelled ||
         type == StateType::Crashed;
}

std::string default_state_name(StateType type) {
  // The type's words split on "_", each capitalised; no type has two words
  // today, but the rule is Prefect's.
  std::string name;
  bool word_start = true;
  for (char c : to_string(type)) {
    if (c == '_') {
      name.push_back(' ');
      word_start = true;
      continue;
    }
    name.push_back(word_start ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    word_start = false;
  }
  return name;
}

bool State::has_persisted_data() const {
  if (!data_json) return false;
  rapidjson::Document data;
  data.Parse(data_json->c_str());
  if (data.HasParseError() || !data.IsObject()) return false;
  auto kind = data.FindMember("type");
  return !(kind != data.MemberEnd() && kind->value.IsString() &&
           std::string_view(kind->value.GetString()) == "unpersisted");
}

State state_from_create(const rapidjson::Value &state_create, Timestamp now) {
  State state;
  state.id = Uuid::v7();
  state.timestamp = now;
  if (auto type_text = string_member(state_create, "type")) {
    state.type = parse_state_type(*type_text).value_or(StateType::Pending);
  }
  state.name = string_member(state_create, "name").value_or(default_state_name(state.type));
  state.message = string_member(state_create, "message");
  if (const auto *data = member(state_create, "data")) state.data_json = prefectd::to_json(*data);
  if (const auto *details = member(state_create, "state_details")) state.details = details_from_value(*details);
  if (state.type == StateType::Scheduled && !state.details.scheduled_time) state.details.scheduled_time = now;
  return state;
}

void write_state(const State &state, rapidjson::Value &out, Allocator &allocator) {
  ObjectWriter writer(out, allocator);
  writer.string("id", state.id.to_string());
  writer.string("type", to_string(state.type));
  writer.string("name", state.name);
  writer.string("timestamp", state.timestamp.to_iso8601());
  writer.optional_string("message", state.message);
  writer.optional_json("data", state.data_json);
  rapidjson::Value details;
  write_details(state.details, details, allocator);
  writer.add("state_details", std::move(details));
}

std::string to_json(const State &state) {
  rapidjson::Document document;
  write_state(state, document, document.GetAllocator());
  return prefectd::to_json(document);
}

std::string state_details_to_json(const StateDetails &details) {
  rapidjson::Document document;
  write_details(details, document, document.GetAllocator());
  return to_python_json(document);
}

StateDetails state_details_from_json(std::string_view stored) {
  rapidjson::Document document;
  document.Parse(stored.data(), stored.size());
  if (document.HasParseError()) return {};
  return details_from_value(document);
}

}  // namespace prefectd
