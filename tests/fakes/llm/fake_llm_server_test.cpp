// The fake_llm_server program as a daemon end-to-end test will run it: the PORT line, scripting
// through the control endpoint, a verified https answer with its self-signed certificate, the
// stop on SIGTERM or at the end of input, and refused options.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <future>

#include "net/https_client.hpp"
#include "tests/fakes/llm/fake_llm_fixture.hpp"
#include "tests/support/process.hpp"

#ifndef FAKE_LLM_SERVER
#error "FAKE_LLM_SERVER must name the fake_llm_server program"
#endif

namespace autotrader::fakes::llm::test {
namespace {

using autotrader::test::current_environment;
using autotrader::test::Process;
using autotrader::test::ProcessOptions;

ProcessOptions server_options(std::vector<std::string> args) {
  ProcessOptions options;
  options.argv = {FAKE_LLM_SERVER};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = current_environment();
  return options;
}

std::uint16_t port_of(Process& server) {
  auto line = server.wait_for_line("PORT ", kWait);
  EXPECT_TRUE(line) << server.output();
  return line ? static_cast<std::uint16_t>(std::stoi(line->substr(5))) : 0;
}

TEST(FakeLlmServer, ScriptedOverHttpAnsweringOverVerifiedHttpsUntilSigterm) {
  auto dir = autotrader::test::make_temp_dir("fake-llm-server");
  auto cert = dir + "/cert.pem";
  Process server{server_options({"--key", "openai=k1", "--tls-self-signed", cert})};
  auto port = port_of(server);
  ASSERT_NE(port, 0);

  json script{{"provider", "openai"}, {"behaviours", {{{"answer", sell_decision()}}}}};
  auto scripted = autotrader::test::http_request(port, "POST", "/_fake/script", script.dump());
  ASSERT_EQ(scripted.status, 200) << scripted.body;

  std::promise<net::HttpResult> done;
  auto answered = done.get_future();
  {
    auto context = std::make_shared<net::ClientContext>(net::TlsOptions{true, cert, ""});
    net::HttpsClient client{context};
    auto call = valid_call(Provider::openai, "k1");
    net::ClientRequest request{
        "POST", "https://127.0.0.1:" + std::to_string(port) + call.target, {}, call.body.dump()};
    for (const auto& [name, value] : call.headers) request.headers.emplace_back(name, value);
    client.send(std::move(request), [&done](net::HttpResult r) { done.set_value(std::move(r)); });
    ASSERT_EQ(answered.wait_for(kWait), std::future_status::ready);
  }
  auto result = answered.get();
  auto* response = std::get_if<net::ClientResponse>(&result);
  ASSERT_TRUE(response) << std::get<net::ClientError>(result).message;
  ASSERT_EQ(response->status, 200) << response->body;
  auto content = json::parse(response->body)["choices"][0]["message"]["content"];
  EXPECT_EQ(json::parse(content.get<std::string>()), sell_decision());

  auto stats = autotrader::test::http_get(port, "/_fake/stats");
  EXPECT_EQ(json_of(stats)["requests"]["openai"], 1);

  server.signal(SIGTERM);
  EXPECT_EQ(server.wait(kWait), 0) << server.output();
  std::filesystem::remove_all(dir);
}

TEST(FakeLlmServer, ExitOnEofStopsAtTheEndOfInput) {
  Process server{server_options({"--exit-on-eof"})};  // stdin is closed at once
  EXPECT_NE(port_of(server), 0);
  EXPECT_EQ(server.wait(kWait), 0) << server.output();
}

TEST(FakeLlmServer, RefusesBadOptions) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--port"},
                                        {"--port", "eighty"},
                                        {"--key", "mistral=x"},
                                        {"--key", "openai"},
                                        {"--tls-cert", "/nonexistent"},
                                        {"--colour", "red"}}) {
    auto result = autotrader::test::run_command(server_options(args), kWait);
    EXPECT_EQ(result.exit_code, 2) << args[0] << ": " << result.err;
    EXPECT_NE(result.err.find("usage"), std::string::npos);
  }
}

}  // namespace
}  // namespace autotrader::fakes::llm::test
