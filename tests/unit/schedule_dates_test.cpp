// The dates deployment schedules name, as the scheduler service turns them
// into runs: intervals from their anchor, cron expressions in UTC, and the
// horizon that bounds how many are made.
#include "schedules/schedule_dates.h"
#include "schedules/cron_expression.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace prefectd {
namespace {

Timestamp at(const char *iso) {
  return *Timestamp::parse(iso);
}

std::vector<std::string> dates_of(const char *schedule_json, const char *start, ScheduleHorizon horizon = {}) {
  rapidjson::Document schedule;
  schedule.Parse(schedule_json);
  std::string why;
  auto dates = schedule_dates(schedule, at(start), horizon, why);
  EXPECT_TRUE(dates.has_value()) << why;
  std::vector<std::string> texts;
  for (const Timestamp &date : dates.value_or(std::vector<Timestamp>{})) texts.push_back(date.to_iso8601());
  return texts;
}

TEST(ScheduleDates, AnHourlyIntervalGivesThreeRunsFromItsAnchor) {
  EXPECT_EQ(dates_of(R"({"interval": 3600, "anchor_date": "2030-01-01T00:30:00Z"})", "2030-01-02T10:00:00Z"),
            (std::vector<std::string>{"2030-01-02T10:30:00Z", "2030-01-02T11:30:00Z", "2030-01-02T12:30:00Z"}));
}

TEST(ScheduleDates, AMinuteIntervalFillsTheHourAhead) {
  auto dates = dates_of(R"({"interval": 60, "anchor_date": "2030-01-01T00:00:00Z"})", "2030-01-02T10:00:00Z");
  EXPECT_EQ(dates.size(), 61u) << "the first at the start, the last an hour later";
  EXPECT_EQ(dates.front(), "2030-01-02T10:00:00Z");
  EXPECT_EQ(dates.back(), "2030-01-02T11:00:00Z");
}

TEST(ScheduleDates, AnAnchorInTheFutureIsTheFirstDate) {
  EXPECT_EQ(dates_of(R"({"interval": 86400, "anchor_date": "2030-02-01T09:00:00Z"})", "2030-01-01T00:00:00Z"),
            (std::vector<std::string>{"2030-02-01T09:00:00Z", "2030-02-02T09:00:00Z", "2030-02-03T09:00:00Z"}));
}

TEST(ScheduleDates, NothingIsMadeBeyondTheMaximumTimeOrCount) {
  ScheduleHorizon horizon;
  horizon.max_seconds = 2 * 86400;
  EXPECT_EQ(dates_of(R"({"interval": 604800, "anchor_date": "2030-01-01T00:00:00Z"})", "2030-01-02T00:00:00Z", horizon)
                .size(),
            0u);
  horizon = {};
  horizon.max_runs = 5;
  horizon.min_runs = 10;
  EXPECT_EQ(
      dates_of(R"({"interval": 1, "anchor_date": "2030-01-01T00:00:00Z"})", "2030-01-02T00:00:00Z", horizon).size(),
      5u);
}

TEST(ScheduleDates, CronDatesAreTheNamedMinutesInUtc) {
  EXPECT_EQ(dates_of(R"({"cron": "0 9 * * 1-5", "timezone": "UTC"})", "2030-01-04T10:00:00Z"),
            (std::vector<std::string>{"2030-01-07T09:00:00Z", "2030-01-08T09:00:00Z", "2030-01-09T09:00:00Z"}))
      << "2030-01-04 is a Friday: the weekend is skipped";
}

TEST(ScheduleDates, RRulesAndZonedCronAreNotEvaluated) {
  for (const char *schedule : {R"({"rrule": "FREQ=DAILY"})", R"({"cron": "0 9 * * *", "timezone": "Europe/Paris"})",
                               R"({"cron": "not a cron"})"}) {
    rapidjson::Document parsed;
    parsed.Parse(schedule);
    std::string why;
    EXPECT_FALSE(schedule_dates(parsed, at("2030-01-01T00:00:00Z"), {}, why).has_value()) << schedule;
    EXPECT_FALSE(why.empty());
  }
}

TEST(CronExpression, StepsListsNamesAndMacrosAreRead) {
  auto next = [](const char *text, const char *from) {
    auto cron = CronExpression::parse(text);
    EXPECT_TRUE(cron.has_value()) << text;
    return cron ? cron->next_at_or_after(at(from))->to_iso8601() : std::string();
  };
  EXPECT_EQ(next("*/15 * * * *", "2030-01-01T10:16:00Z"), "2030-01-01T10:30:00Z");
  EXPECT_EQ(next("5,50 8-9 * * *", "2030-01-01T08:06:00Z"), "2030-01-01T08:50:00Z");
  EXPECT_EQ(next("0 0 1 jan *", "2030-02-01T00:00:00Z"), "2031-01-01T00:00:00Z");
  EXPECT_EQ(next("0 12 * * sun", "2030-01-01T00:00:00Z"), "2030-01-06T12:00:00Z");
  EXPECT_EQ(next("0 12 * * 7", "2030-01-01T00:00:00Z"), "2030-01-06T12:00:00Z") << "7 is Sunday too";
  EXPECT_EQ(next("@hourly", "2030-01-01T10:00:30Z"), "2030-01-01T11:00:00Z") << "within a minute waits for the next";
  EXPECT_EQ(next("@daily", "2030-01-01T00:00:00Z"), "2030-01-01T00:00:00Z");
}

TEST(CronExpression, DayOfMonthAndWeekdayAreOredUnlessDayOrIsFalse) {
  // 2030-01-13 is a Sunday; the 15th is a Tuesday.
  auto ored = CronExpression::parse("0 0 15 * sun", true);
  auto anded = CronExpression::parse("0 0 15 * sun", false);
  ASSERT_TRUE(ored && anded);
  EXPECT_EQ(ored->next_at_or_after(at("2030-01-10T00:00:00Z"))->to_iso8601(), "2030-01-13T00:00:00Z");
  EXPECT_EQ(anded->next_at_or_after(at("2030-01-10T00:00:00Z"))->to_iso8601(), "2030-09-15T00:00:00Z");
}

TEST(CronExpression, MalformedExpressionsAreRefused) {
  for (const char *text : {"", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
                           "*/0 * * * *", "5-1 * * * *", "R * * * *", "* * * * * *"}) {
    EXPECT_FALSE(CronExpression::parse(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace prefectd
