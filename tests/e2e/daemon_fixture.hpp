#pragma once
// Runs the real `autotrader` binary in a fresh working directory with a controlled environment.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/process.hpp"

namespace autotrader::test {

inline constexpr std::chrono::seconds kStartDeadline{30};
inline constexpr std::chrono::seconds kStopDeadline{30};

class DaemonFixture {
 public:
  DaemonFixture();
  ~DaemonFixture();

  // The environment the daemon gets: PATH, HOME, sanitizer options, and AUTOTRADER_DATA_DIR in
  // the working directory; tests add their own variables.
  std::map<std::string, std::string> env;
  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  void write_file(const std::string& name, const std::string& content) const;
  std::string read_file(const std::string& name) const;

  // Starts `autotrader <args>` in dir().
  std::unique_ptr<Process> start(const std::vector<std::string>& args) const;
  // Runs it to completion.
  CommandResult run(const std::vector<std::string>& args,
                    std::chrono::milliseconds deadline = kStopDeadline) const;

 private:
  std::string dir_;
};

// Waits for the daemon's "HTTP server listening on ADDRESS:PORT" line and returns the port, so
// tests start the daemon on port 0 and never race another test for a port.
std::optional<std::uint16_t> wait_for_http_port(Process& daemon);

// Runs `promtool check metrics` on an exposition; returns promtool's output and exit code.
CommandResult promtool_check_metrics(const std::string& exposition);

}  // namespace autotrader::test
