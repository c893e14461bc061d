#include "database/database_url.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace prefectd {
namespace {

struct UrlCase {
  const char *text;
  // Expected parts; `error` non-null means parsing must fail with a message containing it.
  const char *scheme = nullptr;
  std::optional<std::string> driver;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> host;
  int port = 0;
  std::optional<std::string> database;
  std::vector<std::pair<std::string, std::string>> options;
  const char *error = nullptr;
};

std::ostream &operator<<(std::ostream &out, const UrlCase &c) {
  return out << c.text;
}

using Options = std::vector<std::pair<std::string, std::string>>;

UrlCase parses(const char *text, const char *scheme, std::optional<std::string> driver,
               std::optional<std::string> username, std::optional<std::string> password,
               std::optional<std::string> host, int port, std::optional<std::string> database, Options options = {}) {
  UrlCase c;
  c.text = text;
  c.scheme = scheme;
  c.driver = std::move(driver);
  c.username = std::move(username);
  c.password = std::move(password);
  c.host = std::move(host);
  c.port = port;
  c.database = std::move(database);
  c.options = std::move(options);
  return c;
}

UrlCase fails(const char *text, const char *error) {
  UrlCase c;
  c.text = text;
  c.error = error;
  return c;
}

class DatabaseUrlTable : public testing::TestWithParam<UrlCase> {};

TEST_P(DatabaseUrlTable, ParsesAsExpected) {
  const UrlCase &expected = GetParam();
  if (expected.error != nullptr) {
    try {
      DatabaseUrl::parse(expected.text);
      FAIL() << "expected an error containing '" << expected.error << "'";
    } catch (const DatabaseUrlError &error) {
      EXPECT_NE(std::string(error.what()).find(expected.error), std::string::npos) << error.what();
    }
    return;
  }
  DatabaseUrl url = DatabaseUrl::parse(expected.text);
  EXPECT_EQ(url.scheme, expected.scheme);
  EXPECT_EQ(url.driver, expected.driver);
  EXPECT_EQ(url.username, expected.username);
  EXPECT_EQ(url.password, expected.password);
  EXPECT_EQ(url.host, expected.host);
  EXPECT_EQ(url.port, expected.port);
  EXPECT_EQ(url.database, expected.database);
  EXPECT_EQ(url.options, expected.options);
}

const std::optional<std::string> none;

INSTANTIATE_TEST_SUITE_P(
    Urls, DatabaseUrlTable,
    testing::Values(
        parses("sqlite+aiosqlite:////root/.prefect/prefect.db", "sqlite", "aiosqlite", none, none, none, 0,
               "/root/.prefect/prefect.db"),
        parses("sqlite:///relative/prefect.db", "sqlite", none, none, none, none, 0, "relative/prefect.db"),
        parses("sqlite+aiosqlite:///:memory:", "sqlite", "aiosqlite", none, none, none, 0, ":memory:"),
        parses("sqlite+aiosqlite:///file::memory:?cache=shared&uri=true&check_same_thread=false", "sqlite", "aiosqlite",
               none, none, none, 0,
               "file::memory:", Options{{"cache", "shared"}, {"uri", "true"}, {"check_same_thread", "false"}}),
        parses("sqlite://", "sqlite", none, none, none, none, 0, none),
        parses("sqlite:///path%20with%20space.db", "sqlite", none, none, none, none, 0, "path with space.db"),
        parses("postgresql+asyncpg://prefect:secret@db.example.com:5433/orion", "postgresql", "asyncpg", "prefect",
               "secret", "db.example.com", 5433, "orion"),
        parses("postgresql://user@localhost/prefect", "postgresql", none, "user", none, "localhost", 0, "prefect"),
        parses("postgres://u:p%40ss%3Aw%2Fd@127.0.0.1/db", "postgres", none, "u", "p@ss:w/d", "127.0.0.1", 0, "db"),
        parses("postgresql+asyncpg://u:pw@[::1]:6543/db?sslmode=require&application_name=prefectd", "postgresql",
               "asyncpg", "u", "pw", "::1", 6543, "db",
               Options{{"sslmode", "require"}, {"application_name", "prefectd"}}),
        parses("postgresql+asyncpg://u:p@ss@host/db", "postgresql", "asyncpg", "u", "p@ss", "host", 0, "db"),
        parses("postgresql://host", "postgresql", none, none, none, "host", 0, none),
        parses("postgresql://u:@host/db", "postgresql", none, "u", "", "host", 0, "db"),
        parses("postgresql://host/db?options=-c%20search_path%3Dprefect", "postgresql", none, none, none, "host", 0,
               "db", Options{{"options", "-c search_path=prefect"}}),
        fails("not a url", "no '://'"), fails("://host/db", "empty scheme"),
        fails("postgresql://host:99999/db", "port '99999'"), fails("postgresql://host:abc/db", "port 'abc'"),
        fails("postgresql://host:/db", "port ''"),
        fails("postgresql://u:p%zz@host/db", "percent-encoding in the password"),
        fails("postgresql://[::1/db", "unterminated"), fails("post gres://host/db", "is not valid"),
        fails("sqlite+://x", "empty part"), fails("postgresql://host/db?=x", "empty name")));

TEST(DatabaseUrl, RedactedFormNeverContainsThePassword) {
  DatabaseUrl url = DatabaseUrl::parse("postgresql+asyncpg://prefect:hunter2@db:5432/orion?sslpassword=alsosecret");
  std::string redacted = url.redacted();
  EXPECT_EQ(redacted, "postgresql+asyncpg://prefect:***@db:5432/orion?sslpassword=***");
}

TEST(DatabaseUrl, ParseErrorsDoNotEchoThePassword) {
  try {
    DatabaseUrl::parse("postgresql://u:hunter2@host:notaport/db");
    FAIL();
  } catch (const DatabaseUrlError &error) {
    EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos);
  }
}

TEST(DatabaseUrl, AbiViewCarriesEveryPart) {
  DatabaseUrl url = DatabaseUrl::parse("postgresql+asyncpg://u:pw@h:1/d?a=1");
  AbiDatabaseUrl abi(url);
  const pd_database_url *view = abi.get();
  EXPECT_EQ(view->struct_size, sizeof(pd_database_url));
  EXPECT_STREQ(view->scheme, "postgresql");
  EXPECT_STREQ(view->driver, "asyncpg");
  EXPECT_STREQ(view->password, "pw");
  EXPECT_EQ(view->port, 1);
  ASSERT_EQ(view->option_count, 1u);
  EXPECT_STREQ(view->options[0].key, "a");
  EXPECT_STREQ(view->redacted, "postgresql+asyncpg://u:***@h:1/d?a=1");
}

}  // namespace
}  // namespace prefectd
