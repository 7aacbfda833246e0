#include "venues/ibkr/handshake.hpp"

#include <charconv>
#include <system_error>

namespace autotrader::ibkr {

namespace {

bool parse_int(std::string_view text, int& out) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

}  // namespace

std::string encode_client_hello(VersionRange range, std::string_view connect_options) {
  std::string text = "v" + std::to_string(range.min) + ".." + std::to_string(range.max);
  if (!connect_options.empty()) {
    text += ' ';
    text.append(connect_options);
  }
  return std::string{kApiPrefix} + encode_frame(text);
}

Expected<ClientHello> decode_client_hello(std::string_view payload) {
  const auto bad = [&](const char* why) {
    return make_error(errc::bad_handshake, std::string{"client hello: "} + why);
  };
  if (payload.empty() || payload.front() != 'v') return bad("does not start with 'v'");
  ClientHello hello;
  std::string_view text = payload.substr(1);
  if (!text.empty() && text.back() == '\0') text.remove_suffix(1);  // tolerate a terminator
  if (const auto space = text.find(' '); space != std::string_view::npos) {
    hello.connect_options = std::string{text.substr(space + 1)};
    text = text.substr(0, space);
  }
  const auto dots = text.find("..");
  if (dots == std::string_view::npos) return bad("no '..' in the version range");
  if (!parse_int(text.substr(0, dots), hello.range.min) ||
      !parse_int(text.substr(dots + 2), hello.range.max)) {
    return bad("version range is not two integers");
  }
  if (hello.range.min <= 0 || hello.range.min > hello.range.max) return bad("empty version range");
  return hello;
}

Expected<std::string> encode_server_hello(const ServerHello& hello) {
  FieldWriter writer;
  writer.integer(hello.server_version).text(hello.connection_time, "connectionTime");
  return writer.frame();
}

Expected<ServerHello> decode_server_hello(const Fields& fields, VersionRange accepted) {
  FieldReader reader{fields, "server hello", 0};
  ServerHello hello;
  const std::string version_text = reader.text("serverVersion");
  hello.connection_time = reader.text("connectionTime");
  if (!reader.ok()) return reader.error();
  if (!parse_int(version_text, hello.server_version)) {
    return make_error(errc::invalid_field,
                      "server hello: server version '" + version_text + "' is not an integer");
  }
  if (hello.server_version < accepted.min || hello.server_version > accepted.max) {
    return make_error(errc::unsupported_version,
                      "server version " + std::to_string(hello.server_version) +
                          " is outside the accepted range " + std::to_string(accepted.min) + ".." +
                          std::to_string(accepted.max));
  }
  return hello;
}

Expected<int> negotiate_version(VersionRange client, VersionRange server) {
  const int low = client.min > server.min ? client.min : server.min;
  const int high = client.max < server.max ? client.max : server.max;
  if (low > high) {
    return make_error(errc::unsupported_version,
                      "no common version: client " + std::to_string(client.min) + ".." +
                          std::to_string(client.max) + ", server " + std::to_string(server.min) +
                          ".." + std::to_string(server.max));
  }
  return high;
}

}  // namespace autotrader::ibkr
