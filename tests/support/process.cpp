#include "process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace autotrader::test {
namespace {

using Clock = std::chrono::steady_clock;

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Process::Process(const ProcessOptions& options) {
  int out_pipe[2];
  int err_pipe[2];
  int in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string{"pipe: "} + std::strerror(errno));
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv;
  for (const auto& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string{"fork: "} + std::strerror(errno));
  if (pid_ == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    // The test runner may block signals; the child must start with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) ::_exit(127);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(in_pipe[0]);
  if (!options.stdin_data.empty()) {
    auto n = ::write(in_pipe[1], options.stdin_data.data(), options.stdin_data.size());
    (void)n;
  }
  ::close(in_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) throw std::runtime_error(std::string{"pidfd_open: "} + std::strerror(errno));
}

Process::~Process() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  close_fd(out_fd_);
  close_fd(err_fd_);
  close_fd(pidfd_);
}

bool Process::pump(std::chrono::milliseconds timeout) {
  pollfd fds[3];
  nfds_t n = 0;
  int out_index = -1;
  int err_index = -1;
  int pid_index = -1;
  if (out_fd_ >= 0) {
    out_index = static_cast<int>(n);
    fds[n++] = {out_fd_, POLLIN, 0};
  }
  if (err_fd_ >= 0) {
    err_index = static_cast<int>(n);
    fds[n++] = {err_fd_, POLLIN, 0};
  }
  // Reap only after the pipes are drained, so no output is lost.
  if (!exit_code_ && out_fd_ < 0 && err_fd_ < 0) {
    pid_index = static_cast<int>(n);
    fds[n++] = {pidfd_, POLLIN, 0};
  }
  if (n == 0) return false;
  int ready = ::poll(fds, n, static_cast<int>(timeout.count()));
  if (ready <= 0) return ready == 0 || errno == EINTR;
  char buffer[4096];
  auto drain = [&](int index, int& fd, std::string& sink) {
    if (index < 0 || !(fds[index].revents & (POLLIN | POLLHUP | POLLERR))) return;
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      sink.append(buffer, static_cast<std::size_t>(got));
    } else {
      close_fd(fd);
    }
  };
  drain(out_index, out_fd_, out_);
  drain(err_index, err_fd_, err_);
  if (pid_index >= 0 && (fds[pid_index].revents & POLLIN)) {
    int status = 0;
    if (::waitpid(pid_, &status, 0) == pid_) exit_code_ = decode_status(status);
  }
  return true;
}

bool Process::wait_for_output(std::string_view needle, std::chrono::milliseconds deadline) {
  auto until = Clock::now() + deadline;
  while (out_.find(needle) == std::string::npos && err_.find(needle) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) return false;
    if (!pump(left)) return false;
  }
  return true;
}

std::optional<std::string> Process::wait_for_line(std::string_view needle,
                                                  std::chrono::milliseconds deadline) {
  auto until = Clock::now() + deadline;
  auto complete_line = [needle](const std::string& text) -> std::optional<std::string> {
    auto at = text.find(needle);
    if (at == std::string::npos) return std::nullopt;
    auto end = text.find('\n', at);
    if (end == std::string::npos) return std::nullopt;
    auto begin = text.rfind('\n', at);
    begin = begin == std::string::npos ? 0 : begin + 1;
    return text.substr(begin, end - begin);
  };
  for (;;) {
    if (auto line = complete_line(out_)) return line;
    if (auto line = complete_line(err_)) return line;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0 || !pump(left)) return std::nullopt;
  }
}

std::optional<int> Process::wait(std::chrono::milliseconds deadline) {
  auto until = Clock::now() + deadline;
  while (!exit_code_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (!pump(left)) break;
  }
  return exit_code_;
}

void Process::signal(int sig) {
  if (!exit_code_) ::kill(pid_, sig);
}

CommandResult run_command(const ProcessOptions& options, std::chrono::milliseconds deadline) {
  Process process{options};
  CommandResult result;
  auto code = process.wait(deadline);
  result.exit_code = code.value_or(-1);
  result.out = process.out();
  result.err = process.err();
  return result;
}

std::map<std::string, std::string> current_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry{*e};
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string{entry.substr(0, eq)}, std::string{entry.substr(eq + 1)});
  }
  return env;
}

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error(std::string{"free_port: "} + std::strerror(errno));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string make_temp_dir(std::string_view prefix) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / (std::string{prefix} + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string{"mkdtemp: "} + std::strerror(errno));
  }
  return pattern;
}

}  // namespace autotrader::test
