// fake_binance_server: the fake Binance server as a process, for the npm fidelity test and for
// trying a client by hand. Prints "PORT <n>" once listening, then obeys one command per stdin
// line and answers each with one line ("OK ..." or "ERROR ..."); stops at end of input.
//
//   fake_binance_server [--port N] [--now MS] [--symbols BTCUSDT,ETHUSDT]
//                       [--tls-cert FILE --tls-key FILE] [--ping-interval-ms N]
//                       [--api-key K] [--api-secret S] [--balances USDT=10000,BTC=0]
//                       [--commission 0.001] [--market-fill-parts N]
//
// Data: for each symbol, 1m candles (seeded) from 1000 minutes before --now to 60 minutes after
// it; the later ones are served as time advances. The exchange's state lives as long as the
// process. Commands (data comes back as JSON on the same line, after "OK "):
//   advance MS                     move the market clock forward by MS (plays klines, matches)
//   wait-subscribed STREAM MS      wait until a connection subscribes to STREAM
//   wait-user-stream MS            wait until a WebSocket API connection subscribes to user data
//   drop-ws | silent-ws | server-shutdown
//   now
//   skew MS                        serverTime = market clock + MS (may be negative)
//   order-fault KIND [N]           KIND: accept-then-timeout, accept-then-5xx (503),
//                                  accept-then-500..599, accept-then-drop, reject-2010,
//                                  reject-1021, reject-1013 (for the next N order requests,
//                                  default 1); delayed-visibility K (the next order is not found
//                                  by its first K queries); user-stream-drop, user-stream-silent
//   clear-faults                   every pending or standing fault
//   orders | open-orders | trades | balances | order-lists
//   price SYMBOL                   the current price
//   set-price SYMBOL P             publish a trade at P and match resting orders
//   set-balance ASSET FREE
#include <csignal>
#include <cstdlib>
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
               "[--tls-cert FILE --tls-key FILE] [--ping-interval-ms N] [--api-key K] "
               "[--api-secret S] [--balances USDT=10000,BTC=0] [--commission 0.001] "
               "[--market-fill-parts N]\n";
  return 2;
}

std::string order_fault(fb::FakeBinance& fake, std::istringstream& in) {
  std::string kind;
  if (!(in >> kind)) return "ERROR order-fault needs a kind";
  long long n = 1;
  if (!(in >> n)) n = 1;
  if (n < 1) return "ERROR order-fault needs a positive count";
  const auto times = static_cast<std::size_t>(n);
  if (kind == "accept-then-timeout") {
    fake.fail_next_orders(fb::OrderFault::accept_then_timeout(), times);
  } else if (kind == "accept-then-drop") {
    fake.fail_next_orders(fb::OrderFault::accept_then_drop(), times);
  } else if (kind == "accept-then-5xx") {
    fake.fail_next_orders(fb::OrderFault::accept_then_server_error(503), times);
  } else if (kind.rfind("accept-then-5", 0) == 0 && kind.size() == 15) {
    int status = std::atoi(kind.c_str() + 12);
    if (status < 500 || status > 599) return "ERROR bad status in " + kind;
    fake.fail_next_orders(fb::OrderFault::accept_then_server_error(status), times);
  } else if (kind == "reject-2010" || kind == "reject-1021" || kind == "reject-1013") {
    fake.fail_next_orders(fb::OrderFault::reject(-std::atoi(kind.c_str() + 7)), times);
  } else if (kind == "delayed-visibility") {
    fake.fail_next_orders(fb::OrderFault::delayed_visibility(static_cast<int>(n)), 1);
  } else if (kind == "user-stream-drop") {
    fake.ws().drop_user_streams();
  } else if (kind == "user-stream-silent") {
    fake.ws().silence_user_streams();
  } else {
    return "ERROR unknown order fault '" + kind + "'";
  }
  return "OK";
}

std::string run_command(fb::FakeBinance& fake, const std::string& line) {
  std::istringstream in{line};
  std::string command;
  in >> command;
  if (command == "order-fault") return order_fault(fake, in);
  if (command == "skew") {
    long long ms = 0;
    if (!(in >> ms)) return "ERROR skew needs milliseconds";
    fake.set_clock_skew(std::chrono::milliseconds{ms});
    return "OK";
  }
  if (command == "clear-faults") return fake.clear_scripts(), "OK";
  if (command == "orders") return "OK " + fake.orders().dump();
  if (command == "open-orders") return "OK " + fake.open_orders().dump();
  if (command == "trades") return "OK " + fake.trades().dump();
  if (command == "balances") return "OK " + fake.balances().dump();
  if (command == "order-lists") return "OK " + fake.order_lists().dump();
  if (command == "price") {
    std::string symbol;
    if (!(in >> symbol)) return "ERROR price needs a symbol";
    auto price = fake.price(symbol);
    return price ? "OK " + price->to_string(8) : "ERROR no price for " + symbol;
  }
  if (command == "set-price") {
    std::string name, value;
    if (!(in >> name >> value)) return "ERROR set-price needs a symbol and a price";
    auto symbol = core::Symbol::parse(name);
    auto price = core::Decimal::parse(value);
    if (!symbol || !price || price->is_negative() || price->is_zero()) {
      return "ERROR bad symbol or price";
    }
    fake.set_price(*symbol, *price);
    return "OK";
  }
  if (command == "set-balance") {
    std::string asset, value;
    if (!(in >> asset >> value)) return "ERROR set-balance needs an asset and an amount";
    auto free = core::Decimal::parse(value);
    if (!free || free->is_negative()) return "ERROR bad amount";
    fake.set_balance(asset, *free);
    return "OK";
  }
  if (command == "wait-user-stream") {
    long long ms = 0;
    if (!(in >> ms)) return "ERROR wait-user-stream needs milliseconds";
    return fake.ws().wait_for_user_data_subscription(std::chrono::milliseconds{ms})
               ? "OK"
               : "ERROR timeout";
  }
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
      } else if (arg == "--api-key") {
        options.api_key = value;
      } else if (arg == "--api-secret") {
        options.api_secret = value;
      } else if (arg == "--commission") {
        auto rate = core::Decimal::parse(value);
        if (!rate || rate->is_negative()) return usage("bad value for --commission: " + value);
        options.commission_rate = *rate;
      } else if (arg == "--market-fill-parts") {
        options.market_fill_parts = static_cast<std::size_t>(std::stoul(value));
      } else if (arg == "--balances") {
        options.balances.clear();
        std::istringstream list{value};
        for (std::string entry; std::getline(list, entry, ',');) {
          auto eq = entry.find('=');
          auto amount =
              eq == std::string::npos ? std::nullopt : core::Decimal::parse(entry.substr(eq + 1));
          if (!amount || amount->is_negative()) return usage("bad balance " + entry);
          options.balances[entry.substr(0, eq)] = *amount;
        }
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
