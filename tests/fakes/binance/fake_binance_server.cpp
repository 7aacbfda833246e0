// fake_binance_server: the fake Binance server as a process, for the npm fidelity test and for
// trying a client by hand. Prints "PORT <n>" once listening, then obeys one command per stdin
// line and answers each with one line ("OK ..." or "ERROR ..."); stops at end of input.
//
//   fake_binance_server [--port N] [--now MS] [--symbols BTCUSDT,ETHUSDT]
//                       [--tls-cert FILE --tls-key FILE] [--ping-interval-ms N]
//
// Data: for each symbol, 1m candles (seeded) from 1000 minutes before --now to 60 minutes after
// it; the later ones are served as time advances. Commands:
//   advance MS                     move the market clock forward by MS (plays klines)
//   wait-subscribed STREAM MS      wait until a connection subscribes to STREAM
//   drop-ws | silent-ws | server-shutdown
//   now
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fakes/binance/fake_binance.hpp"
#include "tests/fakes/binance/klines.hpp"

namespace fb = autotrader::fakes::binance;
namespace core = autotrader::core;

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int usage(const std::string& message) {
  std::cerr << "fake_binance_server: " << message << "\n"
            << "usage: fake_binance_server [--port N] [--now MS] [--symbols A,B] "
               "[--tls-cert FILE --tls-key FILE] [--ping-interval-ms N]\n";
  return 2;
}

std::string run_command(fb::FakeBinance& fake, const std::string& line) {
  std::istringstream in{line};
  std::string command;
  in >> command;
  if (command == "advance") {
    long long ms = 0;
    if (!(in >> ms) || ms < 0) return "ERROR advance needs milliseconds";
    fake.advance_to(fake.now() + ms);
    return "OK " + std::to_string(fake.now());
  }
  if (command == "wait-subscribed") {
    std::string stream;
    long long ms = 0;
    if (!(in >> stream >> ms)) return "ERROR wait-subscribed needs a stream and milliseconds";
    return fake.ws().wait_until_subscribed(stream, std::chrono::milliseconds{ms}) ? "OK"
                                                                                  : "ERROR timeout";
  }
  if (command == "drop-ws") return fake.ws().drop_all(), "OK";
  if (command == "silent-ws") return fake.ws().go_silent(), "OK";
  if (command == "server-shutdown") return fake.ws().server_shutdown(), "OK";
  if (command == "now") return "OK " + std::to_string(fake.now());
  return "ERROR unknown command '" + command + "'";
}

}  // namespace

int main(int argc, char** argv) {
  fb::FakeBinanceOptions options;
  std::vector<std::string> symbols{"BTCUSDT", "ETHUSDT"};
  std::string cert_file, key_file;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (i + 1 >= args.size()) return usage("missing value after " + arg);
    const auto& value = args[++i];
    try {
      if (arg == "--port") {
        options.port = static_cast<std::uint16_t>(std::stoi(value));
      } else if (arg == "--now") {
        options.start_time = std::stoll(value);
      } else if (arg == "--ping-interval-ms") {
        options.ping_interval = std::chrono::milliseconds{std::stoll(value)};
      } else if (arg == "--tls-cert") {
        cert_file = value;
      } else if (arg == "--tls-key") {
        key_file = value;
      } else if (arg == "--symbols") {
        symbols.clear();
        std::istringstream list{value};
        for (std::string s; std::getline(list, s, ',');) symbols.push_back(s);
      } else {
        return usage("unknown option " + arg);
      }
    } catch (const std::exception&) {
      return usage("bad value for " + arg + ": " + value);
    }
  }
  if (cert_file.empty() != key_file.empty()) return usage("--tls-cert and --tls-key go together");
  if (!cert_file.empty()) {
    auto cert = read_file(cert_file);
    auto key = read_file(key_file);
    if (!cert || !key) return usage("cannot read the TLS certificate or key");
    options.tls = fb::TlsIdentity{*cert, *key};
  }

  const auto now = options.start_time;
  fb::FakeBinance fake{options};
  std::uint64_t seed = 1;
  for (const auto& name : symbols) {
    auto symbol = core::Symbol::parse(name);
    if (!symbol) return usage("bad symbol " + name);
    const auto minute = core::duration(core::Interval::m1).count();
    fake.set_klines(*symbol, core::Interval::m1,
                    fb::generate_klines(*symbol, core::Interval::m1, now - 1000 * minute, 1061,
                                        100.0 * static_cast<double>(seed), seed));
    ++seed;
  }
  if (auto error = fake.start()) {
    std::cerr << "fake_binance_server: " << *error << "\n";
    return 1;
  }
  std::signal(SIGPIPE, SIG_IGN);
  std::cout << "PORT " << fake.port() << std::endl;
  for (std::string line; std::getline(std::cin, line);) {
    if (line.empty()) continue;
    std::cout << run_command(fake, line) << std::endl;
  }
  fake.stop();
  return 0;
}
