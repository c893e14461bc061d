// Task tag concurrency (orchestration.md §5 #4 and #11): v2 "tag:<tag>"
// limits first, then legacy v1 rows.
#include "jitter.h"
#include "rules.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace prefectd::rules {
namespace {

constexpr std::string_view kTagPrefix = "tag:";
constexpr double kDefaultJitterFactor = 0.3;

std::string tag_of(const ConcurrencyLimitV2 &limit) {
  return limit.name.starts_with(kTagPrefix) ? limit.name.substr(kTagPrefix.size()) : limit.name;
}

std::vector<std::string> tag_limit_names(const OrchestrationRun &run) {
  std::vector<std::string> names;
  for (const auto &tag : run.tags) names.push_back(std::string(kTagPrefix) + tag);
  return names;
}

// Remove the run from a v1 row's active slots (written only if present).
void remove_v1_slot(OrchestrationContext &context, const TagConcurrencyLimitV1 &limit) {
  const auto run_id = context.run.id.to_string();
  auto slots = limit.active_slots;
  auto kept = std::remove(slots.begin(), slots.end(), run_id);
  if (kept == slots.end()) return;
  slots.erase(kept, slots.end());
  context.environment.write_tag_active_slots_v1(limit.tag, slots);
}

class SecureTaskConcurrencySlots final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "SecureTaskConcurrencySlots"; }
  StateTypeSet to_states() const override { return {StateType::Running}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    auto &environment = context.environment;
    const auto v1_limits = environment.read_tag_concurrency_limits_v1(context.run.tags);
    const auto v2_limits = environment.read_concurrency_limits_v2(tag_limit_names(context.run));

    std::set<std::string> v2_tags;
    std::vector<Uuid> positive_limit_ids;
    std::vector<const ConcurrencyLimitV2 *> positive_limits;
    for (const auto &limit : v2_limits) {
      if (!limit.active) continue;
      v2_tags.insert(tag_of(limit));
      if (limit.limit == 0) {
        abort_transition(context, "The concurrency limit on tag \"" + tag_of(limit) +
                                      "\" is 0 and will deadlock if the task tries to run again.");
        return;
      }
      if (limit.limit > 0) {
        positive_limit_ids.push_back(limit.id);
        positive_limits.push_back(&limit);
      }
    }
    if (!positive_limit_ids.empty()) {
      if (!environment.increment_concurrency_slots(positive_limit_ids, 1, true)) {
        delay_for_v2_limits(context, positive_limits);
        return;
      }
      acquired_lease_ids_.push_back(environment.create_lease(positive_limit_ids, kTaskTagLeaseTtlSeconds, 1,
                                                             ConcurrencyLeaseHolder{"task_run", context.run.id}));
    }

    const bool any_v1_only = std::any_of(v1_limits.begin(), v1_limits.end(),
                                         [&](const auto &limit) { return !v2_tags.contains(limit.tag); });
    if (!any_v1_only) return;
    // As the reference does, every v1 row of the run's tags is then applied.
    for (const auto &limit : v1_limits) {
      if (limit.limit == 0) {
        give_back(context, v1_limits);
        abort_transition(context, "The concurrency limit on tag \"" + limit.tag +
                                      "\" is 0 and will deadlock if the task tries to run again.");
        return;
      }
      if (static_cast<int64_t>(limit.active_slots.size()) >= limit.limit) {
        give_back(context, v1_limits);
        delay_transition(context, static_cast<int64_t>(context.settings.tag_concurrency_slot_wait_seconds),
                         "Concurrency limit for the " + limit.tag + " tag has been reached");
        return;
      }
      applied_v1_tags_.push_back(limit.tag);
      auto slots = limit.active_slots;
      const auto run_id = context.run.id.to_string();
      if (std::find(slots.begin(), slots.end(), run_id) == slots.end()) slots.push_back(run_id);
      environment.write_tag_active_slots_v1(limit.tag, slots);
    }
  }

  void cleanup(OrchestrationContext &context) override {
    release_v2_leases(context);
    if (applied_v1_tags_.empty()) return;
    for (const auto &limit : context.environment.read_tag_concurrency_limits_v1(applied_v1_tags_)) {
      remove_v1_slot(context, limit);
    }
    applied_v1_tags_.clear();
  }

 private:
  void delay_for_v2_limits(OrchestrationContext &context, const std::vector<const ConcurrencyLimitV2 *> &limits) {
    const double max_wait = context.settings.tag_concurrency_slot_wait_seconds;
    const auto *blocking = *std::max_element(limits.begin(), limits.end(), [](const auto *a, const auto *b) {
      return static_cast<double>(a->active_slots) / static_cast<double>(a->limit) <
             static_cast<double>(b->active_slots) / static_cast<double>(b->limit);
    });
    const double occupancy = blocking->avg_slot_occupancy_seconds > 0 ? blocking->avg_slot_occupancy_seconds : max_wait;
    const double average = std::min(occupancy, max_wait);
    const double delay = clamped_poisson_interval(average, kDefaultJitterFactor, context.environment.random_unit());
    std::string tags;
    for (const auto *limit : limits) tags += (tags.empty() ? "" : ", ") + tag_of(*limit);
    // Python's round(): halves to even, which nearbyint does by default.
    delay_transition(context, static_cast<int64_t>(std::nearbyint(delay)),
                     "Concurrency limit reached for tags: " + tags);
  }

  // A v1 limit stopped the task: the slots this rule took so far go back.
  // (The reference keeps a v2 lease taken before a v1 wait until the task
  // leaves RUNNING; giving it back at once frees the slot while waiting.)
  void give_back(OrchestrationContext &context, const std::vector<TagConcurrencyLimitV1> &v1_limits) {
    release_v2_leases(context);
    for (const auto &limit : v1_limits) {
      if (std::find(applied_v1_tags_.begin(), applied_v1_tags_.end(), limit.tag) == applied_v1_tags_.end()) continue;
      auto updated = limit;
      updated.active_slots.push_back(context.run.id.to_string());  // the row as this rule left it
      remove_v1_slot(context, updated);
    }
    applied_v1_tags_.clear();
  }

  void release_v2_leases(OrchestrationContext &context) {
    for (const auto &lease_id : acquired_lease_ids_) release_concurrency_lease(context, lease_id);
    acquired_lease_ids_.clear();
  }

  std::vector<Uuid> acquired_lease_ids_;
  std::vector<std::string> applied_v1_tags_;
};

class ReleaseTaskConcurrencySlots final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "ReleaseTaskConcurrencySlots"; }
  bool is_universal_transform() const override { return true; }

 protected:
  void after_transition(OrchestrationContext &context) override {
    if (nullified(context) || !context.validated_state) return;
    const auto type = context.validated_state->type;
    if (type == StateType::Running || type == StateType::Cancelling) return;
    auto &environment = context.environment;
    std::vector<Uuid> lease_ids;
    for (const auto &limit : environment.read_concurrency_limits_v2(tag_limit_names(context.run))) {
      for (const auto &lease_id : environment.lease_ids_held_by(limit.id, context.run.id)) {
        if (std::find(lease_ids.begin(), lease_ids.end(), lease_id) == lease_ids.end()) lease_ids.push_back(lease_id);
      }
    }
    for (const auto &lease_id : lease_ids) release_concurrency_lease(context, lease_id);
    for (const auto &limit : environment.read_tag_concurrency_limits_v1(context.run.tags))
      remove_v1_slot(context, limit);
  }
};

}  // namespace

RulePtr secure_task_concurrency_slots() {
  return std::make_unique<SecureTaskConcurrencySlots>();
}
RulePtr release_task_concurrency_slots() {
  return std::make_unique<ReleaseTaskConcurrencySlots>();
}

}  // namespace prefectd::rules
