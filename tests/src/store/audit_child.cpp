// A child process for the audit writer's process-level tests.
//
//   store_audit_child flood <dir> <run>        appends {"run": run, "seq": 0, 1, ...} records as
//                                              fast as it can, forever, writing one byte to
//                                              stdout (non-blocking) after each append, until
//                                              it is killed
//   store_audit_child fill <dir> <max_bytes>   sets RLIMIT_FSIZE to max_bytes, ignores SIGXFSZ,
//                                              appends until append() fails, prints
//                                              "<errc> <appended>" and exits 0
// Exit code 2: bad arguments; 3: the writer could not be opened; 4: an unexpected error.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "store/audit_writer.hpp"

namespace {

using autotrader::store::AuditWriter;
using autotrader::store::AuditWriterOptions;

nlohmann::json record(long long run, long long seq) {
  return nlohmann::json{
      {"timestamp", "2026-11-21T08:55:36.123Z"},
      {"decision_type", "BUY"},
      {"run", run},
      {"seq", seq},
      // Enough payload that a line spans a good part of a page.
      {"market_data", {{"symbol", "BTCUSDT"}, {"closes", std::string(600, '7')}}},
      {"ai_analysis", {{"provider", "technical"}, {"reasoning", std::string(400, 'r')}}},
      {"risk_validation", {{"approved", true}}},
      {"final_decision", {{"action", "BUY"}, {"confidence", 0.8}}},
      {"execution", nullptr},
  };
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  const std::string mode = argv[1];
  AuditWriterOptions options;
  options.directory = argv[2];
  options.fdatasync = false;  // the page cache survives kill -9; this test is about whole lines

  if (mode == "fill") {
    const rlimit limit{std::strtoull(argv[3], nullptr, 10), RLIM_INFINITY};
    std::signal(SIGXFSZ, SIG_IGN);
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 2;
    auto writer = AuditWriter::open(options);
    if (!writer) return 3;
    for (long long seq = 0;; ++seq) {
      if (auto error = (*writer)->append(record(0, seq))) {
        std::printf("%s %lld\n", autotrader::store::to_string(error->code), seq);
        return 0;
      }
    }
  }
  if (mode == "flood") {
    const long long run = std::atoll(argv[3]);
    ::fcntl(STDOUT_FILENO, F_SETFL, ::fcntl(STDOUT_FILENO, F_GETFL) | O_NONBLOCK);
    auto writer = AuditWriter::open(options);
    if (!writer) return 3;
    for (long long seq = 0;; ++seq) {
      if ((*writer)->append(record(run, seq))) return 4;
      const char tick = '.';
      // A full pipe only means the test is not reading yet: never block on it.
      (void)!::write(STDOUT_FILENO, &tick, 1);
    }
  }
  return 2;
}
