#pragma once
// The `autotrader` program: command line in, exit code out. main() only forwards to main_entry;
// everything here is reachable from tests through the real binary.
#include <string>
#include <vector>

namespace autotrader::app {

// sysexits.h codes, documented in the README and `autotrader --help`.
inline constexpr int exit_ok = 0;
inline constexpr int exit_usage = 64;        // EX_USAGE: unknown command or option
inline constexpr int exit_data = 65;         // EX_DATAERR: bad input data (decide's snapshot)
inline constexpr int exit_unavailable = 69;  // EX_UNAVAILABLE: e.g. the HTTP port is taken
inline constexpr int exit_software = 70;     // EX_SOFTWARE: the root supervisor gave up
inline constexpr int exit_cant_create = 73;  // EX_CANTCREAT: the data directory is not writable
inline constexpr int exit_config = 78;       // EX_CONFIG: bad configuration

// `args` excludes argv[0]; `envp` is the process environment (environ).
int main_entry(const std::vector<std::string>& args, const char* const* envp);

const char* version();

}  // namespace autotrader::app
