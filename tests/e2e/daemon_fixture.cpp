#include "tests/e2e/daemon_fixture.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace autotrader::test {

DaemonFixture::DaemonFixture() : dir_{make_temp_dir("autotrader-e2e")} {
  auto parent = current_environment();
  for (const char* name : {"PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (auto it = parent.find(name); it != parent.end()) env[name] = it->second;
  }
  env["AUTOTRADER_DATA_DIR"] = dir_ + "/data";
}

DaemonFixture::~DaemonFixture() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void DaemonFixture::write_file(const std::string& name, const std::string& content) const {
  std::ofstream{path(name)} << content;
}

std::string DaemonFixture::read_file(const std::string& name) const {
  std::ifstream in{path(name)};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<Process> DaemonFixture::start(const std::vector<std::string>& args) const {
  ProcessOptions options;
  options.argv.push_back(AUTOTRADER_EXE);
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = env;
  options.cwd = dir_;
  return std::make_unique<Process>(options);
}

CommandResult DaemonFixture::run(const std::vector<std::string>& args,
                                 std::chrono::milliseconds deadline) const {
  auto process = start(args);
  CommandResult result;
  result.exit_code = process->wait(deadline).value_or(-1);
  result.out = process->out();
  result.err = process->err();
  return result;
}

std::optional<std::uint16_t> wait_for_http_port(Process& daemon) {
  auto line = daemon.wait_for_line("HTTP server listening on ", kStartDeadline);
  if (!line) return std::nullopt;
  auto colon = line->rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  try {
    auto port = std::stoul(line->substr(colon + 1));
    if (port == 0 || port > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

CommandResult promtool_check_metrics(const std::string& exposition) {
  ProcessOptions options;
  options.argv = {"/usr/bin/promtool", "check", "metrics"};
  options.env = current_environment();
  options.stdin_data = exposition;
  return run_command(options, std::chrono::seconds{30});
}

}  // namespace autotrader::test
