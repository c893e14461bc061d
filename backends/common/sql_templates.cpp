#include "sql_templates.h"

#include "embedded_sql.h"
#include "plugin_error.h"

namespace prefectd::backend {

std::string fill_template(std::string_view text, std::initializer_list<TemplateToken> tokens) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == ';')) text.remove_suffix(1);
  std::string sql;
  sql.reserve(text.size() + 64);
  while (!text.empty()) {
    const size_t open = text.find('{');
    if (open == std::string_view::npos) break;
    sql.append(text.substr(0, open));
    text.remove_prefix(open);
    bool matched = false;
    for (const auto &[token, value] : tokens) {
      if (text.starts_with(token)) {
        sql.append(value);
        text.remove_prefix(token.size());
        matched = true;
        break;
      }
    }
    if (!matched) {
      sql += '{';
      text.remove_prefix(1);
    }
  }
  sql.append(text);
  return sql;
}

pd_status append_query_template(pd_query_template query, pd_sink *out) noexcept {
  return guarded(nullptr, [&] {
    const char *path = nullptr;
    switch (query) {
      case PD_QUERY_SCHEDULED_FLOW_RUNS_FROM_WORK_POOLS:
        path = "queries/scheduled_flow_runs_from_work_pools.sql";
        break;
      case PD_QUERY_SCHEDULED_FLOW_RUNS_FROM_WORK_QUEUES:
        path = "queries/scheduled_flow_runs_from_work_queues.sql";
        break;
    }
    const char *sql = path != nullptr ? find_embedded_sql(path) : nullptr;
    if (sql == nullptr) return PD_NOT_SUPPORTED;
    append(out, sql);
    return PD_OK;
  });
}

}  // namespace prefectd::backend
