#pragma once
// The real OrderTransport of the Binance executor: one net::HttpsClient for the signed REST
// requests and one net::WebSocketClient per WebSocket API connection, on a shared
// net::ClientContext (its I/O thread), with results sent to the executor as messages. The
// ClientContext belongs to the application and must outlive every transport (the factory keeps a
// reference). Nothing here logs; error texts name the peer and never hold the API key.
#include <memory>
#include <string>

#include "actors/binance_exec/order_transport.hpp"
#include "core/clock.hpp"
#include "core/secret.hpp"
#include "net/https_client.hpp"
#include "net/websocket_client.hpp"

namespace autotrader::binance_exec {

// `rest_base_url` is "https://api.binance.com" or the testnet's (no trailing '/'); `api_key` goes
// in the X-MBX-APIKEY header of every request; `clock` stamps sent_ms/received_ms.
OrderTransportFactory make_net_order_transport_factory(std::shared_ptr<net::ClientContext> context,
                                                       std::string rest_base_url,
                                                       core::Secret api_key,
                                                       std::shared_ptr<const core::Clock> clock,
                                                       net::HttpClientOptions http = {},
                                                       net::WebSocketOptions websocket = {});

// Whether a failed request certainly never left: the URL was unusable, or resolve, connect, the
// proxy tunnel, TLS or the connect-phase deadline failed, all before the first byte of the request
// was written (HttpsClient names the phase of a timeout: "connect to ..." covers resolve, TCP,
// CONNECT and TLS). Anything else (a timeout waiting for or reading the answer, a dropped
// connection, a cancel) may have reached Binance: failed_after_send.
binance::HttpOutcome::Transport transport_of(const net::ClientError& error);

// The outcome of a finished exchange, with Retry-After and X-MBX-USED-WEIGHT-1M read.
RestOutcome to_outcome(const net::HttpResult& result, core::TimestampMs sent_ms,
                       core::TimestampMs received_ms);

}  // namespace autotrader::binance_exec
