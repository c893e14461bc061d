#include "sorts.h"

#include <utility>

namespace prefectd {
namespace {

struct SortKey {
  std::string_view value;
  std::string_view expression;  // "{}" stands for the alias
  bool descending;
};

std::string with_alias(std::string_view expression, std::string_view alias) {
  std::string text;
  for (size_t i = 0; i < expression.size(); ++i) {
    if (expression.substr(i, 2) == "{}") {
      text += alias;
      ++i;
    } else {
      text += expression[i];
    }
  }
  return text;
}

template <size_t N>
std::string order_by(const SortKey (&keys)[N], std::string_view value, std::string_view alias) {
  const SortKey *chosen = &keys[0];  // the first entry is the default
  for (const SortKey &key : keys) {
    if (key.value == value) chosen = &key;
  }
  const char *direction = chosen->descending ? " DESC" : " ASC";
  std::string order = with_alias(chosen->expression, alias) + direction;
  if (chosen->expression != "{}.id") order += ", " + std::string(alias) + ".id" + direction;
  return order;
}

}  // namespace

std::string flow_sort(std::string_view value, std::string_view alias) {
  static constexpr SortKey keys[] = {{"NAME_ASC", "{}.name", false},
                                     {"NAME_DESC", "{}.name", true},
                                     {"CREATED_DESC", "{}.created", true},
                                     {"UPDATED_DESC", "{}.updated", true}};
  return order_by(keys, value, alias);
}

std::string flow_run_sort(std::string_view value, std::string_view alias) {
  static constexpr SortKey keys[] = {{"ID_DESC", "{}.id", true},
                                     {"START_TIME_ASC", "COALESCE({}.start_time, {}.expected_start_time)", false},
                                     {"START_TIME_DESC", "COALESCE({}.start_time, {}.expected_start_time)", true},
                                     {"EXPECTED_START_TIME_ASC", "{}.expected_start_time", false},
                                     {"EXPECTED_START_TIME_DESC", "{}.expected_start_time", true},
                                     {"NAME_ASC", "{}.name", false},
                                     {"NAME_DESC", "{}.name", true},
                                     {"NEXT_SCHEDULED_START_TIME_ASC", "{}.next_scheduled_start_time", false},
                                     {"END_TIME_DESC", "{}.end_time", true}};
  return order_by(keys, value, alias);
}

std::string task_run_sort(std::string_view value, std::string_view alias) {
  static constexpr SortKey keys[] = {{"ID_DESC", "{}.id", true},
                                     {"EXPECTED_START_TIME_ASC", "{}.expected_start_time", false},
                                     {"EXPECTED_START_TIME_DESC", "{}.expected_start_time", true},
                                     {"NAME_ASC", "{}.name", false},
                                     {"NAME_DESC", "{}.name", true},
                                     {"NEXT_SCHEDULED_START_TIME_ASC", "{}.next_scheduled_start_time", false},
                                     {"END_TIME_DESC", "{}.end_time", true}};
  return order_by(keys, value, alias);
}

std::string deployment_sort(std::string_view value, std::string_view alias) {
  static constexpr SortKey keys[] = {{"NAME_ASC", "{}.name", false},
                                     {"NAME_DESC", "{}.name", true},
                                     {"CREATED_DESC", "{}.created", true},
                                     {"UPDATED_DESC", "{}.updated", true}};
  return order_by(keys, value, alias);
}

std::string log_sort(std::string_view value, std::string_view alias) {
  static constexpr SortKey keys[] = {{"TIMESTAMP_ASC", "{}.\"timestamp\"", false},
                                     {"TIMESTAMP_DESC", "{}.\"timestamp\"", true}};
  return order_by(keys, value, alias);
}

std::string artifact_sort(std::string_view value, std::string_view alias) {
  static constexpr SortKey keys[] = {{"ID_DESC", "{}.id", true},
                                     {"CREATED_DESC", "{}.created", true},
                                     {"UPDATED_DESC", "{}.updated", true},
                                     {"KEY_DESC", "{}.key", true},
                                     {"KEY_ASC", "{}.key", false}};
  return order_by(keys, value, alias);
}

std::string variable_sort(std::string_view value, std::string_view alias) {
  static constexpr SortKey keys[] = {{"NAME_ASC", "{}.name", false},
                                     {"NAME_DESC", "{}.name", true},
                                     {"CREATED_DESC", "{}.created", true},
                                     {"UPDATED_DESC", "{}.updated", true}};
  return order_by(keys, value, alias);
}

}  // namespace prefectd
