#include "api/router.h"

#include <gtest/gtest.h>

namespace prefectd {
namespace {

Router make_router() {
  Router router("/api");
  auto ok = [](const RouteCall &) { return HttpResponse{200, "null"}; };
  router.add({"POST", "/flows/", ok});
  router.add({"GET", "/flows/{id:uuid}", ok});
  router.add({"DELETE", "/flows/{id:uuid}", ok});
  router.add({"GET", "/flows/name/{name}", ok});
  router.add({"POST", "/flows/filter", ok});
  return router;
}

TEST(Router, MatchesExactPathAndMethod) {
  Router router = make_router();
  auto match = router.match("POST", "/api/flows/");
  ASSERT_EQ(match.outcome, Router::Outcome::Matched);
  EXPECT_EQ(match.route->pattern, "/flows/");
}

TEST(Router, UuidSegmentCapturesTheId) {
  Router router = make_router();
  auto match = router.match("GET", "/api/flows/0b5c6e3a-1f2d-4c4e-9a7b-1234567890ab");
  ASSERT_EQ(match.outcome, Router::Outcome::Matched);
  EXPECT_EQ(match.parameters.at("id"), "0b5c6e3a-1f2d-4c4e-9a7b-1234567890ab");
}

TEST(Router, NonUuidInUuidSegmentIsNotFound) {
  EXPECT_EQ(make_router().match("GET", "/api/flows/not-a-uuid").outcome, Router::Outcome::NotFound);
}

TEST(Router, NameSegmentAcceptsAnyText) {
  auto match = make_router().match("GET", "/api/flows/name/my-flow");
  ASSERT_EQ(match.outcome, Router::Outcome::Matched);
  EXPECT_EQ(match.parameters.at("name"), "my-flow");
}

TEST(Router, WrongMethodIsMethodNotAllowed) {
  EXPECT_EQ(make_router().match("GET", "/api/flows/filter").outcome, Router::Outcome::MethodNotAllowed);
  EXPECT_EQ(make_router().match("HEAD", "/api/flows/0b5c6e3a-1f2d-4c4e-9a7b-1234567890ab").outcome,
            Router::Outcome::MethodNotAllowed);
}

TEST(Router, MissingOrExtraTrailingSlashRedirects) {
  auto match = make_router().match("POST", "/api/flows");
  ASSERT_EQ(match.outcome, Router::Outcome::Redirect);
  EXPECT_EQ(match.redirect_path, "/api/flows/");
  auto extra = make_router().match("POST", "/api/flows/filter/");
  ASSERT_EQ(extra.outcome, Router::Outcome::Redirect);
  EXPECT_EQ(extra.redirect_path, "/api/flows/filter");
}

TEST(Router, OutsideTheMountIsNotFound) {
  EXPECT_EQ(make_router().match("POST", "/flows/").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(make_router().match("POST", "/apiflows/").outcome, Router::Outcome::NotFound);
  EXPECT_EQ(make_router().match("GET", "/api/unknown").outcome, Router::Outcome::NotFound);
}

}  // namespace
}  // namespace prefectd

namespace prefectd {
namespace {

TEST(PercentDecodePath, DecodesEscapesAndKeepsMalformedOnes) {
  EXPECT_EQ(percent_decode_path("/api/flows/name/report%20builder"), "/api/flows/name/report builder");
  EXPECT_EQ(percent_decode_path("/a%2fb%C3%A9"), "/a/bé");
  EXPECT_EQ(percent_decode_path("/100%"), "/100%");
  EXPECT_EQ(percent_decode_path("/x%zz%4"), "/x%zz%4");
}

}  // namespace
}  // namespace prefectd
