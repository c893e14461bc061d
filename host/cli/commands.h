// The prefectd command line: one function per command, each returning the
// process exit code.
#pragma once

#include <string>
#include <vector>

namespace prefectd {

int run_serve();
int run_database(const std::vector<std::string> &arguments);
int run_plugins();
void print_help();
void print_version();

}  // namespace prefectd
