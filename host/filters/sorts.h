// The *Sort enums (filters.md §4, Prefect's schemas/sorting.py) as ORDER BY
// lists for the row named `alias`. An absent or unknown value gives the
// enum's default. NULLs sort where the database puts them, as in Prefect;
// the row's id is appended as a last key so pages never overlap on ties.
#pragma once

#include <string>
#include <string_view>

namespace prefectd {

std::string flow_sort(std::string_view value, std::string_view alias);        // default NAME_ASC
std::string flow_run_sort(std::string_view value, std::string_view alias);    // default ID_DESC
std::string task_run_sort(std::string_view value, std::string_view alias);    // default ID_DESC
std::string deployment_sort(std::string_view value, std::string_view alias);  // default NAME_ASC
std::string log_sort(std::string_view value, std::string_view alias);         // default TIMESTAMP_ASC
// ArtifactSort and ArtifactCollectionSort, which have the same values.
std::string artifact_sort(std::string_view value, std::string_view alias);  // default ID_DESC
std::string variable_sort(std::string_view value, std::string_view alias);  // default NAME_ASC

}  // namespace prefectd
