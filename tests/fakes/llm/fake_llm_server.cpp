// fake_llm_server: the fake LLM server as a process, for the npm fidelity test, daemon
// end-to-end tests and trying a client by hand. Prints "PORT <n>" once listening, then serves
// until SIGINT or SIGTERM (or, with --exit-on-eof, the end of its standard input). Scripts,
// knobs and records go through the HTTP control endpoint on the same port (/_fake/..., see
// README.md).
//
//   fake_llm_server [--port N] [--key PROVIDER=KEY]... [--exit-on-eof]
//                   [--tls-cert FILE --tls-key FILE | --tls-self-signed CERT_OUT_FILE]
//
// --key sets the key a provider route expects (otherwise any non-empty key is accepted).
// --tls-self-signed makes a throwaway identity and writes its certificate (the CA a client must
// trust) to CERT_OUT_FILE before printing PORT.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/fakes/llm/fake_llm.hpp"

namespace fl = autotrader::fakes::llm;

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int usage(const std::string& message) {
  std::cerr << "fake_llm_server: " << message << "\n"
            << "usage: fake_llm_server [--port N] [--key PROVIDER=KEY]... [--exit-on-eof]\n"
               "                       [--tls-cert FILE --tls-key FILE | --tls-self-signed "
               "CERT_OUT_FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  fl::FakeLlmOptions options;
  std::string cert_file, key_file, cert_out;
  bool exit_on_eof = false;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "--exit-on-eof") {
      exit_on_eof = true;
      continue;
    }
    if (i + 1 >= args.size()) return usage("missing value after " + arg);
    const auto& value = args[++i];
    if (arg == "--port") {
      try {
        options.port = static_cast<std::uint16_t>(std::stoi(value));
      } catch (const std::exception&) {
        return usage("bad port " + value);
      }
    } else if (arg == "--key") {
      auto eq = value.find('=');
      auto provider = fl::parse_provider(value.substr(0, eq));
      if (eq == std::string::npos || !provider) return usage("--key needs PROVIDER=KEY");
      options.provider(*provider).api_key = value.substr(eq + 1);
    } else if (arg == "--tls-cert") {
      cert_file = value;
    } else if (arg == "--tls-key") {
      key_file = value;
    } else if (arg == "--tls-self-signed") {
      cert_out = value;
    } else {
      return usage("unknown option " + arg);
    }
  }
  if (cert_file.empty() != key_file.empty()) return usage("--tls-cert and --tls-key go together");
  if (!cert_file.empty() && !cert_out.empty()) {
    return usage("--tls-self-signed and --tls-cert exclude each other");
  }
  if (!cert_file.empty()) {
    auto cert = read_file(cert_file);
    auto key = read_file(key_file);
    if (!cert || !key) return usage("cannot read the TLS certificate or key");
    options.tls = fl::TlsIdentity{*cert, *key};
  }
  if (!cert_out.empty()) {
    options.tls = fl::make_self_signed_identity();
    std::ofstream out{cert_out};
    out << options.tls->certificate_pem;
    if (!out) return usage("cannot write " + cert_out);
  }

  // Every thread (the server's included) inherits this mask; main takes the signals in sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  fl::FakeLlm fake{options};
  if (auto error = fake.start()) {
    std::cerr << "fake_llm_server: " << *error << "\n";
    return 1;
  }
  std::cout << "PORT " << fake.port() << std::endl;
  if (exit_on_eof) {
    std::thread([] {
      for (std::string line; std::getline(std::cin, line);) {
      }
      kill(getpid(), SIGTERM);
    }).detach();
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  fake.stop();
  return 0;
}
