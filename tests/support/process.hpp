#pragma once
// Runs a child process for process-level tests: captures stdout and stderr through pipes, lets
// the test wait for a line of output or for the exit with a deadline (poll on the pipes and a
// pidfd; never a sleep), and sends signals. The destructor kills a process still running.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autotrader::test {

struct ProcessOptions {
  std::vector<std::string> argv;  // argv[0] is the program path
  // The child's whole environment (nothing is inherited unless listed).
  std::map<std::string, std::string> env;
  std::string cwd;  // empty: the test's working directory
  std::string stdin_data;
};

class Process {
 public:
  explicit Process(const ProcessOptions& options);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads output until `needle` appears in stdout+stderr or the deadline passes.
  bool wait_for_output(std::string_view needle, std::chrono::milliseconds deadline);
  // Waits until a whole line (newline included) containing `needle` has arrived on stdout or
  // stderr and returns it without the newline; nullopt on timeout or end of output.
  std::optional<std::string> wait_for_line(std::string_view needle,
                                           std::chrono::milliseconds deadline);
  // Waits for the exit; returns the exit code, 128+signal for a signal death, nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds deadline);
  void signal(int sig);
  int pid() const { return pid_; }

  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }
  std::string output() const { return out_ + err_; }

 private:
  // Polls once for at most `timeout`; returns false when nothing more can happen.
  bool pump(std::chrono::milliseconds timeout);

  int pid_ = -1;
  int pidfd_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::optional<int> exit_code_;
  std::string out_;
  std::string err_;
};

struct CommandResult {
  int exit_code = -1;  // -1 when it did not finish before the deadline
  std::string out;
  std::string err;
};

// Runs a command to completion with a deadline.
CommandResult run_command(const ProcessOptions& options, std::chrono::milliseconds deadline);

// The current environment as a map, for tests that want to extend it.
std::map<std::string, std::string> current_environment();

// A port on 127.0.0.1 that was free a moment ago (bound to 0 and released).
std::uint16_t free_port();

// A fresh directory under the system temp dir, removed by the caller when wanted.
std::string make_temp_dir(std::string_view prefix);

}  // namespace autotrader::test
