// The variable table: create, read, update and delete by id or by name, filter, count.
#pragma once

#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "schemas/variable.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct VariableCreate {
  std::string name;
  std::optional<std::string> value_json;  // nullopt stores NULL (the JSON value null)
  std::string tags_json = "[]";
};

// Only the members the client sent; `value` may be sent as null.
struct VariableUpdate {
  std::optional<std::string> name;
  bool value_sent = false;
  std::optional<std::string> value_json;
  std::optional<std::string> tags_json;
};

// nullopt when a variable of that name exists (nothing is written).
std::optional<Variable> create_variable(DatabaseInterface &database, Session &session, const VariableCreate &variable);
std::optional<Variable> read_variable(DatabaseInterface &database, Session &session, const Uuid &id);
std::optional<Variable> read_variable_by_name(DatabaseInterface &database, Session &session, const std::string &name);
// False when there is no such variable. A new name that another variable
// holds raises the database's constraint error.
bool update_variable(DatabaseInterface &database, Session &session, const Uuid &id, const VariableUpdate &update);
bool update_variable_by_name(DatabaseInterface &database, Session &session, const std::string &name,
                             const VariableUpdate &update);
bool delete_variable(DatabaseInterface &database, Session &session, const Uuid &id);
bool delete_variable_by_name(DatabaseInterface &database, Session &session, const std::string &name);

// Variables matching `filters.variables`, ordered by the VariableSort value `sort`.
std::vector<Variable> read_variables(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                     std::string_view sort, const Page &page);
int64_t count_variables(DatabaseInterface &database, Session &session, const FilterSet &filters);

}  // namespace prefectd
