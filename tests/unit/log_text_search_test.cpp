// LogFilter.text's query language, term by term.
#include "filters/log_text_search.h"

#include <gtest/gtest.h>

namespace prefectd {
namespace {

using Terms = std::vector<std::string>;

TEST(LogTextSearch, PlainTermsAreAlternatives) {
  auto parsed = parse_text_search_query("  error   warning ");
  EXPECT_EQ(parsed.include, (Terms{"error", "warning"}));
  EXPECT_TRUE(parsed.exclude.empty());
  EXPECT_TRUE(parsed.required.empty());
}

TEST(LogTextSearch, PrefixesExcludeOrRequire) {
  auto parsed = parse_text_search_query("-debug !trace +db ok");
  EXPECT_EQ(parsed.exclude, (Terms{"debug", "trace"}));
  EXPECT_EQ(parsed.required, Terms{"db"});
  EXPECT_EQ(parsed.include, Terms{"ok"});
}

TEST(LogTextSearch, APrefixFollowedBySpaceIsIgnored) {
  auto parsed = parse_text_search_query("- debug +");
  EXPECT_EQ(parsed.include, Terms{"debug"});
  EXPECT_TRUE(parsed.exclude.empty());
  EXPECT_TRUE(parsed.required.empty());
}

TEST(LogTextSearch, QuotedPhrasesAreSingleTermsWithEscapes) {
  auto parsed = parse_text_search_query(R"("connection timeout" -"say \"hi\" \\ now" "")");
  EXPECT_EQ(parsed.include, Terms{"connection timeout"});
  EXPECT_EQ(parsed.exclude, Terms{R"(say "hi" \ now)"});
}

TEST(LogTextSearch, AnUnclosedQuoteRunsToTheEnd) {
  EXPECT_EQ(parse_text_search_query(R"(a "b c)").include, (Terms{"a", "b c"}));
}

TEST(LogTextSearch, AQuoteEndsAPlainTerm) {
  EXPECT_EQ(parse_text_search_query(R"(ab"c d")").include, (Terms{"ab", "c d"}));
}

TEST(LogTextSearch, BlankQueriesHaveNoTerms) {
  auto parsed = parse_text_search_query("   ");
  EXPECT_TRUE(parsed.include.empty() && parsed.exclude.empty() && parsed.required.empty());
}

}  // namespace
}  // namespace prefectd
