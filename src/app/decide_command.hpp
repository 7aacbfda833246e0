#pragma once
// `autotrader decide --dry-run [FILE]`: one multi-turn analysis of a snapshot through the same
// provider pool the daemon runs (the "llm" supervision branch: provider children, breakers,
// fallbacks, the deadline, the technical provider last), printed as JSON with its transcript
// and every attempt. Nothing is executed and nothing is written.
#include <iosfwd>
#include <map>
#include <string>

#include "app/cli.hpp"

namespace autotrader::app {

// Reads the snapshot from args.check_file ("-" is `in`), prints the result to `out` and problems
// to `err`. Returns exit_ok, exit_data (bad snapshot) or exit_config.
int run_decide_command(const CliArgs& args, const std::map<std::string, std::string>& environment,
                       std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace autotrader::app
