#include "embedded_sql.h"

namespace prefectd::backend {

const char *find_embedded_sql(std::string_view path) {
  for (const EmbeddedSqlFile &file : embedded_sql_files()) {
    if (path == file.path) return file.text;
  }
  return nullptr;
}

}  // namespace prefectd::backend
