#pragma once
// The TWS API handshake (reference ibkr-tws.md §3-4) as pure functions, both sides: the client's
// "API\0" + framed "v<min>..<max>[ <connectOptions>]", the server's framed
// "<serverVersion>\0<connectionTime>\0", and startApi (id 71) with the client id.
//
// We advertise and accept server versions 157..178 (ib_async's range): all text-encoded, before
// the error-time (194), historical-end (196) and protobuf (201+) changes. A server that answers
// outside that range is refused with unsupported_version.
#include <cstdint>
#include <string>
#include <string_view>

#include "venues/ibkr/errc.hpp"
#include "venues/ibkr/wire.hpp"

namespace autotrader::ibkr {

inline constexpr int kMinServerVersion = 157;
inline constexpr int kMaxServerVersion = 178;
// The 4 raw bytes that open a connection (no length prefix).
inline constexpr std::string_view kApiPrefix{"API\0", 4};

struct VersionRange {
  int min = kMinServerVersion;
  int max = kMaxServerVersion;
  friend bool operator==(const VersionRange& a, const VersionRange& b) {
    return a.min == b.min && a.max == b.max;
  }
};

// What the client sends first: "API\0" + frame("v157..178") (+ " " + connect_options when not
// empty, e.g. "+PACEAPI"). The version text has no NUL terminator (checked against @stoqey/ib).
std::string encode_client_hello(VersionRange range = {}, std::string_view connect_options = {});

// The fake's side: the payload of the frame after "API\0" → the client's range and options.
// bad_handshake when it is not "v<min>..<max>" with 0 < min <= max.
struct ClientHello {
  VersionRange range;
  std::string connect_options;
};
Expected<ClientHello> decode_client_hello(std::string_view payload);

// The server's answer. connection_time is TWS's text, e.g. "20230228 17:24:14 EST".
struct ServerHello {
  int server_version = 0;
  std::string connection_time;
};
Expected<std::string> encode_server_hello(const ServerHello& hello);
// From the first frame's fields: exactly the version and the time (a trailing extra field is
// tolerated). unsupported_version when the version is outside `accepted`; invalid_field when
// it is not an integer.
Expected<ServerHello> decode_server_hello(const Fields& fields, VersionRange accepted = {});

// The version a server supporting `server` picks for a client advertising `client`: the highest
// common one; unsupported_version when the ranges do not overlap.
Expected<int> negotiate_version(VersionRange client, VersionRange server);

// startApi (71): "71\0 2\0 <clientId>\0 <optionalCapabilities>\0".
struct StartApi {
  std::int64_t client_id = 0;
  std::string optional_capabilities;
};

}  // namespace autotrader::ibkr
