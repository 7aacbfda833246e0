#include "llm/codec.hpp"

#include "llm/codec_detail.hpp"
#include "llm/text.hpp"

namespace autotrader::llm {

std::string_view to_string(ProviderKind kind) {
  switch (kind) {
    case ProviderKind::gemini:
      return "gemini";
    case ProviderKind::openai:
      return "openai";
    case ProviderKind::anthropic:
      return "anthropic";
    case ProviderKind::together:
      return "together";
    case ProviderKind::local:
      return "local";
  }
  return "unknown";
}

std::optional<ProviderKind> parse_provider_kind(std::string_view text) {
  for (auto kind : {ProviderKind::gemini, ProviderKind::openai, ProviderKind::anthropic,
                    ProviderKind::together, ProviderKind::local}) {
    if (text == to_string(kind)) return kind;
  }
  return std::nullopt;
}

namespace {

net::ClientRequest build_for_kind(const ProviderSettings& provider,
                                  const Conversation& conversation) {
  switch (provider.kind) {
    case ProviderKind::gemini:
      return detail::build_gemini_request(provider, conversation);
    case ProviderKind::anthropic:
      return detail::build_anthropic_request(provider, conversation);
    case ProviderKind::openai:
    case ProviderKind::together:
    case ProviderKind::local:
      return detail::build_openai_request(provider, conversation);
  }
  return detail::build_openai_request(provider, conversation);
}

}  // namespace

net::ClientRequest build_request(const ProviderSettings& provider,
                                 const Conversation& conversation) {
  auto request = build_for_kind(provider, conversation);
  // A completion changes nothing on the provider's side (it only costs tokens), so the HTTP
  // client may resend it once when a kept-alive connection turns out dead before any answer.
  request.replayable = true;
  return request;
}

ReplyResult parse_response(const ProviderSettings& provider, const net::ClientResponse& response) {
  switch (provider.kind) {
    case ProviderKind::gemini:
      return detail::parse_gemini_response(provider, response);
    case ProviderKind::anthropic:
      return detail::parse_anthropic_response(provider, response);
    case ProviderKind::openai:
    case ProviderKind::together:
    case ProviderKind::local:
      return detail::parse_openai_response(provider, response);
  }
  return detail::parse_openai_response(provider, response);
}

Failure classify_transport_error(const net::ClientError& error) {
  FailureKind kind = FailureKind::connection;
  switch (error.code) {
    case net::client_errc::timeout:
      kind = FailureKind::timeout;
      break;
    case net::client_errc::cancelled:
      kind = FailureKind::cancelled;
      break;
    case net::client_errc::invalid_url:
      // Fails before the network, every time: retrying cannot help (reference §12 item 3).
      kind = FailureKind::bad_request;
      break;
    case net::client_errc::too_large:
      // Bytes arrived but more than any answer needs: not a usable decision.
      kind = FailureKind::unparseable;
      break;
    case net::client_errc::resolve_failed:
    case net::client_errc::connect_failed:
    case net::client_errc::tls_failed:
    case net::client_errc::handshake_failed:
    case net::client_errc::protocol_error:
    case net::client_errc::closed:
    case net::client_errc::io_error:
      kind = FailureKind::connection;
      break;
  }
  // The client's message names the peer and what failed, never a header, so it is safe to keep.
  return detail::make_failure(
      kind, 0, std::string{net::to_string(error.code)} + ": " + clean_text(error.message, 200));
}

}  // namespace autotrader::llm
