// The SQL files of one dialect, compiled into its plugin by
// prefectd_embed_sql() so the plugin never reads files at run time.
#pragma once

#include <span>
#include <string_view>

namespace prefectd::backend {

struct EmbeddedSqlFile {
  const char *path;  // relative to sql/<dialect>/, e.g. "queries/x.sql"
  const char *text;
};

// Defined in the source generated for each plugin.
std::span<const EmbeddedSqlFile> embedded_sql_files();

// The text of `path`, or nullptr when the plugin has no such file.
const char *find_embedded_sql(std::string_view path);

}  // namespace prefectd::backend
