// Deployment bodies of Prefect 2.x clients rewritten into the 3.x
// contract's shape, as `flow.serve()` and `Deployment.build_from_flow()`
// of Prefect 2.16 send them.
#include "api/routes/deployment_body_upgrade.h"

#include <gtest/gtest.h>

#include <rapidjson/document.h>

namespace prefectd {
namespace {

rapidjson::Document parsed(const std::string &text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  return document;
}

TEST(DeploymentBodyUpgrade, ASingleScheduleBecomesTheListOfSchedules) {
  auto body = parsed(upgrade_deployment_body(
      R"({"name": "d", "schedule": {"interval": 60}, "is_schedule_active": false, "manifest_path": null})"));
  ASSERT_TRUE(body["schedules"].IsArray());
  ASSERT_EQ(body["schedules"].Size(), 1u);
  EXPECT_EQ(body["schedules"][0]["schedule"]["interval"].GetInt(), 60);
  EXPECT_FALSE(body["schedules"][0]["active"].GetBool());
  EXPECT_TRUE(body["paused"].GetBool()) << "2.x paused a deployment by turning its schedule off";
  EXPECT_FALSE(body.HasMember("schedule"));
  EXPECT_FALSE(body.HasMember("is_schedule_active"));
  EXPECT_FALSE(body.HasMember("manifest_path"));
}

TEST(DeploymentBodyUpgrade, InfraOverridesBecomeJobVariablesUnlessThoseAreSent) {
  auto renamed = parsed(upgrade_deployment_body(R"({"name": "d", "infra_overrides": {"env": {"A": "1"}}})"));
  EXPECT_STREQ(renamed["job_variables"]["env"]["A"].GetString(), "1");
  EXPECT_FALSE(renamed.HasMember("infra_overrides"));
  auto kept = parsed(upgrade_deployment_body(R"({"infra_overrides": {"a": 1}, "job_variables": {"b": 2}})"));
  EXPECT_FALSE(kept["job_variables"].HasMember("a"));
  EXPECT_EQ(kept["job_variables"]["b"].GetInt(), 2);
}

TEST(DeploymentBodyUpgrade, ANullScheduleAddsNoneAndSentSchedulesWin) {
  auto none = parsed(upgrade_deployment_body(R"({"schedule": null, "schedules": []})"));
  EXPECT_EQ(none["schedules"].Size(), 0u);
  auto both = parsed(
      upgrade_deployment_body(R"({"schedule": {"cron": "* * * * *"}, "schedules": [{"schedule": {"interval": 5}}]})"));
  ASSERT_EQ(both["schedules"].Size(), 1u);
  EXPECT_TRUE(both["schedules"][0]["schedule"].HasMember("interval"));
}

TEST(DeploymentBodyUpgrade, ABodyOfTheCurrentShapeIsLeftAsSent) {
  const std::string current = R"({"name": "d", "schedules": [], "job_variables": {}})";
  EXPECT_EQ(upgrade_deployment_body(current), current);
  EXPECT_EQ(upgrade_deployment_body("not json"), "not json");
}

}  // namespace
}  // namespace prefectd
