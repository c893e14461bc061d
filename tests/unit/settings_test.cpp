#include "settings/settings.h"

#include <gtest/gtest.h>

#include <map>

namespace prefectd {
namespace {

Settings settings_from(std::map<std::string, std::string> values) {
  return Settings([values](const std::string &name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  });
}

TEST(Settings, DefaultsComeFromPrefectsCatalogue) {
  Settings settings = settings_from({});
  EXPECT_EQ(settings.string("PREFECT_SERVER_API_HOST"), "127.0.0.1");
  EXPECT_EQ(settings.integer("PREFECT_SERVER_API_PORT"), 4200);
  EXPECT_EQ(settings.integer("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE"), 5);
  EXPECT_DOUBLE_EQ(settings.number("PREFECT_SERVER_DATABASE_TIMEOUT"), 10.0);
  EXPECT_TRUE(settings.boolean("PREFECT_SERVER_DATABASE_MIGRATE_ON_START"));
  EXPECT_DOUBLE_EQ(settings.seconds("PREFECT_SERVER_API_CSRF_TOKEN_EXPIRATION"), 3600.0);
}

TEST(Settings, DefaultDatabaseIsSqliteUnderPrefectHome) {
  Settings settings = settings_from({{"PREFECT_HOME", "/srv/prefect"}});
  EXPECT_EQ(settings.string("PREFECT_SERVER_DATABASE_CONNECTION_URL"), "sqlite+aiosqlite:////srv/prefect/prefect.db");
}

TEST(Settings, LegacyAliasIsRead) {
  Settings settings = settings_from({{"PREFECT_API_DATABASE_CONNECTION_URL", "postgresql://h/d"}});
  EXPECT_EQ(settings.string("PREFECT_SERVER_DATABASE_CONNECTION_URL"), "postgresql://h/d");
}

TEST(Settings, CanonicalNameWinsOverAlias) {
  Settings settings =
      settings_from({{"PREFECT_SQLALCHEMY_POOL_SIZE", "3"}, {"PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "7"}});
  EXPECT_EQ(settings.integer("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE"), 7);
}

TEST(Settings, PasswordPlaceholderInUrlIsReplaced) {
  Settings settings =
      settings_from({{"PREFECT_SERVER_DATABASE_CONNECTION_URL", "postgresql://u:${PREFECT_API_DATABASE_PASSWORD}@h/d"},
                     {"PREFECT_API_DATABASE_PASSWORD", "s3cret"}});
  EXPECT_EQ(settings.string("PREFECT_SERVER_DATABASE_CONNECTION_URL"), "postgresql://u:s3cret@h/d");
}

TEST(Settings, BadNumberNamesTheVariable) {
  Settings settings = settings_from({{"PREFECT_SERVER_API_PORT", "forty"}});
  try {
    settings.integer("PREFECT_SERVER_API_PORT");
    FAIL();
  } catch (const std::invalid_argument &error) {
    EXPECT_NE(std::string(error.what()).find("PREFECT_SERVER_API_PORT='forty'"), std::string::npos);
  }
}

TEST(Settings, DurationsAcceptSecondsAndIso8601) {
  EXPECT_EQ(parse_duration_seconds("90"), 90.0);
  EXPECT_EQ(parse_duration_seconds("2.5"), 2.5);
  EXPECT_EQ(parse_duration_seconds("PT1H30M"), 5400.0);
  EXPECT_EQ(parse_duration_seconds("P7D"), 604800.0);
  EXPECT_EQ(parse_duration_seconds("P1DT1S"), 86401.0);
  EXPECT_FALSE(parse_duration_seconds("P"));
  EXPECT_FALSE(parse_duration_seconds("1 hour"));
}

TEST(Settings, BooleansAcceptPrefectsSpellings) {
  for (const char *yes : {"true", "TRUE", "1", "yes"}) EXPECT_EQ(parse_boolean(yes), true) << yes;
  for (const char *no : {"false", "False", "0", "no"}) EXPECT_EQ(parse_boolean(no), false) << no;
  EXPECT_FALSE(parse_boolean("maybe"));
}

TEST(Settings, JsonIsNestedAndObfuscatesSecrets) {
  Settings settings =
      settings_from({{"PREFECT_SERVER_DATABASE_PASSWORD", "hunter2"}, {"PREFECT_SERVER_API_PORT", "4300"}});
  rapidjson::Document document;
  settings.to_json(document);
  EXPECT_EQ(document["server"]["api"]["port"].GetInt(), 4300);
  EXPECT_STREQ(document["server"]["database"]["password"].GetString(), "**********");
  EXPECT_TRUE(document["server"]["api"]["auth_string"].IsNull());
  EXPECT_TRUE(document["server"]["database"]["migrate_on_start"].GetBool());
  EXPECT_FALSE(document.HasMember("PREFECTD_PLUGIN_PATH"));
}

TEST(Settings, EveryHonouredSettingIsDocumented) {
  Settings settings = settings_from({});
  auto honoured = settings.honoured();
  EXPECT_GE(honoured.size(), 30u);
  for (const SettingDefinition *definition : honoured) EXPECT_FALSE(definition->help.empty());
}

}  // namespace
}  // namespace prefectd

namespace prefectd {
namespace {

TEST(Settings, PostgresUrlIsBuiltFromItsParts) {
  Settings settings = settings_from({{"PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"},
                                     {"PREFECT_API_DATABASE_HOST", "db.internal"},
                                     {"PREFECT_SERVER_DATABASE_USER", "prefect"},
                                     {"PREFECT_SERVER_DATABASE_PASSWORD", "p@ss word"},
                                     {"PREFECT_SERVER_DATABASE_NAME", "orion"}});
  EXPECT_EQ(settings.string("PREFECT_SERVER_DATABASE_CONNECTION_URL"),
            "postgresql+asyncpg://prefect:p%40ss%20word@db.internal:5432/orion");
}

TEST(Settings, PostgresDriverWithoutHostLeavesTheUrlUnset) {
  Settings settings = settings_from({{"PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"}});
  EXPECT_FALSE(settings.text("PREFECT_SERVER_DATABASE_CONNECTION_URL"));
}

TEST(Settings, SqliteDriverUsesTheNameAsPath) {
  Settings settings = settings_from(
      {{"PREFECT_SERVER_DATABASE_DRIVER", "sqlite+aiosqlite"}, {"PREFECT_SERVER_DATABASE_NAME", "/srv/p.db"}});
  EXPECT_EQ(settings.string("PREFECT_SERVER_DATABASE_CONNECTION_URL"), "sqlite+aiosqlite:////srv/p.db");
}

}  // namespace
}  // namespace prefectd
