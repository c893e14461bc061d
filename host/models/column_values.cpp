#include "column_values.h"

namespace prefectd {

ColumnValues &ColumnValues::set_json(std::string column, std::optional<std::string> json) {
  columns_.push_back({std::move(column), json ? sql_.param(JsonText{std::move(*json)}) : sql_.param(nullptr)});
  return *this;
}

bool ColumnValues::has(std::string_view column) const {
  for (const Column &entry : columns_) {
    if (entry.name == column) return true;
  }
  return false;
}

std::vector<std::string> ColumnValues::columns() const {
  std::vector<std::string> names;
  for (const Column &entry : columns_) names.push_back(entry.name);
  return names;
}

std::string ColumnValues::column_list() const {
  std::string list;
  for (const Column &entry : columns_) list += (list.empty() ? "" : ", ") + entry.name;
  return list;
}

std::string ColumnValues::value_list() const {
  std::string list;
  for (const Column &entry : columns_) list += (list.empty() ? "" : ", ") + entry.placeholder;
  return list;
}

std::string ColumnValues::assignments() const {
  std::string list;
  for (const Column &entry : columns_) list += (list.empty() ? "" : ", ") + entry.name + " = " + entry.placeholder;
  return list;
}

}  // namespace prefectd
