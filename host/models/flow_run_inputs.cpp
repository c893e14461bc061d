#include "flow_run_inputs.h"

#include "database/database_interface.h"

#include <rapidjson/document.h>

namespace prefectd {

bool flow_run_input_exists(DatabaseInterface &database, Session &session, const Uuid &flow_run_id,
                           const std::optional<std::string> &keyset_json) {
  if (!keyset_json) return false;
  rapidjson::Document keyset;
  keyset.Parse(keyset_json->c_str(), keyset_json->size());
  if (keyset.HasParseError() || !keyset.IsObject() || !keyset.HasMember("schema") || !keyset["schema"].IsString()) {
    return false;
  }
  const QueryComponents &q = database.queries();
  Statement find = session.prepare("SELECT 1 FROM flow_run_input WHERE flow_run_id = " + q.placeholder(1) +
                                   " AND key = " + q.placeholder(2));
  find.bind(1, flow_run_id).bind(2, std::string_view(keyset["schema"].GetString()));
  return find.step();
}

}  // namespace prefectd
