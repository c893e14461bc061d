// The dialect SQL templates both bundled plugins embed under the same
// names (sql/<dialect>/queries/), and filling their {token} placeholders.
#pragma once

#include <prefectd/backend.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace prefectd::backend {

using TemplateToken = std::pair<std::string_view, std::string_view>;  // {"{start}", "?1"}

// Replaces every token in one pass, so substituted text is never scanned
// again; trailing blanks and semicolons go, so the result nests as a subquery.
std::string fill_template(std::string_view text, std::initializer_list<TemplateToken> tokens);

// Appends the embedded template for `query`; PD_NOT_SUPPORTED when the
// plugin has none. Never throws.
pd_status append_query_template(pd_query_template query, pd_sink *out) noexcept;

}  // namespace prefectd::backend
