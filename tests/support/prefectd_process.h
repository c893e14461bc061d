// Runs the real prefectd binary as a child process, as a user would.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace prefectd::testing_support {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `prefectd arguments...` with `environment` added, to completion.
CommandResult run_prefectd(const std::vector<std::string> &arguments,
                           const std::map<std::string, std::string> &environment);

// A free TCP port on 127.0.0.1 at the time of asking.
int free_port();

class ServerProcess {
 public:
  // Starts `prefectd serve` on a free port with `environment` added and
  // waits until /api/health answers. Throws with the server's output when
  // it does not come up.
  explicit ServerProcess(std::map<std::string, std::string> environment);
  ServerProcess(const ServerProcess &) = delete;
  ServerProcess &operator=(const ServerProcess &) = delete;
  ~ServerProcess();

  std::string api_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api"; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `signal` and waits up to `timeout` for exit; the exit code, or
  // nullopt when it did not exit in time (it is then killed).
  std::optional<int> stop(int signal, std::chrono::milliseconds timeout);
  bool running();
  std::string output() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace prefectd::testing_support
