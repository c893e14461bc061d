#include "prefectd_process.h"

#include "http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef PREFECTD_BINARY
#error "PREFECTD_BINARY must point at the built prefectd"
#endif

namespace prefectd::testing_support {
namespace {

std::string temp_log_path() {
  static std::atomic<int> counter{0};
  return (std::filesystem::temp_directory_path() /
          ("prefectd_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + ".log"))
      .string();
}

// Forks and execs prefectd with stdout and stderr into `log_path`.
pid_t spawn(const std::vector<std::string> &arguments, const std::map<std::string, std::string> &environment,
            const std::string &log_path) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    for (const auto &[name, value] : environment) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char *> argv;
    argv.push_back(const_cast<char *>(PREFECTD_BINARY));
    for (const auto &argument : arguments) argv.push_back(const_cast<char *>(argument.c_str()));
    argv.push_back(nullptr);
    execv(PREFECTD_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

std::string read_file(const std::string &path) {
  std::ifstream stream(path);
  std::stringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

}  // namespace

CommandResult run_prefectd(const std::vector<std::string> &arguments,
                           const std::map<std::string, std::string> &environment) {
  std::string log_path = temp_log_path();
  pid_t pid = spawn(arguments, environment, log_path);
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), read_file(log_path)};
  std::filesystem::remove(log_path);
  return result;
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

ServerProcess::ServerProcess(std::map<std::string, std::string> environment) : log_path_(temp_log_path()) {
  port_ = free_port();
  environment["PREFECT_SERVER_API_HOST"] = "127.0.0.1";
  environment["PREFECT_SERVER_API_PORT"] = std::to_string(port_);
  environment.try_emplace("PREFECT_SERVER_LOGGING_LEVEL", "INFO");
  environment.try_emplace("PREFECT_TESTING_UNIT_TEST_MODE", "true");
  pid_ = spawn({"serve"}, environment, log_path_);
  HttpClient client;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!running()) throw std::runtime_error("prefectd exited during start-up:\n" + output());
    auto response = client.request("GET", api_url() + "/health");
    if (response.status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop(SIGKILL, std::chrono::seconds(5));
  throw std::runtime_error("prefectd did not answer /api/health within 30 s:\n" + output());
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && running()) stop(SIGKILL, std::chrono::seconds(5));
  std::filesystem::remove(log_path_);
}

bool ServerProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    pid_ = -pid_;  // reaped; remember that it ran
    return false;
  }
  return true;
}

std::optional<int> ServerProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -pid_;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -pid_;
  return std::nullopt;
}

std::string ServerProcess::output() const {
  return read_file(log_path_);
}

}  // namespace prefectd::testing_support
