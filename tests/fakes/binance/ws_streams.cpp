#include "tests/fakes/binance/ws_streams.hpp"

#include <algorithm>

namespace autotrader::fakes::binance {
namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    auto pos = text.find(separator);
    auto part = text.substr(0, pos);
    if (!part.empty()) parts.emplace_back(part);
    if (pos == std::string_view::npos) break;
    text.remove_prefix(pos + 1);
  }
  return parts;
}

std::string error_reply(int code, const std::string& msg, const nlohmann::json& id) {
  nlohmann::json reply = {{"code", code}, {"msg", msg}};
  if (!id.is_discarded()) reply["id"] = id;
  return reply.dump();
}

bool valid_id(const nlohmann::json& id) {
  if (id.is_null() || id.is_number_integer()) return true;
  if (!id.is_string()) return false;
  const auto& text = id.get_ref<const std::string&>();
  return text.size() <= 36 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
         });
}

}  // namespace

std::optional<StreamTarget> parse_stream_target(std::string_view path, const Params& query) {
  if (path == "/ws" || path == "/ws/") return StreamTarget{false, {}};
  if (path.substr(0, 4) == "/ws/") return StreamTarget{false, split(path.substr(4), '/')};
  if (path == "/stream" || path == "/stream/") {
    auto it = query.find("streams");
    return StreamTarget{true,
                        it == query.end() ? std::vector<std::string>{} : split(it->second, '/')};
  }
  return std::nullopt;
}

StreamSubscriptions::StreamSubscriptions(StreamTarget target) : combined_(target.combined) {
  for (auto& stream : target.streams) {
    if (!contains(stream)) streams_.push_back(std::move(stream));
  }
}

bool StreamSubscriptions::contains(std::string_view stream) const {
  return std::find(streams_.begin(), streams_.end(), stream) != streams_.end();
}

std::string StreamSubscriptions::handle_control(std::string_view text) {
  auto message = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  nlohmann::json no_id = nlohmann::json::value_t::discarded;
  if (message.is_discarded()) return error_reply(3, "Invalid JSON: expected value", no_id);
  if (!message.is_object()) return error_reply(2, "Invalid request: expected an object", no_id);
  if (!message.contains("method")) {
    return error_reply(2, "Invalid request: missing field `method`", no_id);
  }
  nlohmann::json id = message.contains("id") ? message["id"] : nlohmann::json(nullptr);
  if (!valid_id(id)) {
    return error_reply(2, "Invalid request: request ID must be an unsigned integer", no_id);
  }
  const auto& method = message["method"];
  const auto& params = message.contains("params") ? message["params"] : nlohmann::json::array();
  if (!method.is_string()) return error_reply(2, "Invalid request: method must be a string", id);
  const auto& name = method.get_ref<const std::string&>();

  if (name == "SUBSCRIBE" || name == "UNSUBSCRIBE") {
    if (!params.is_array() ||
        !std::all_of(params.begin(), params.end(), [](const auto& p) { return p.is_string(); })) {
      return error_reply(2, "Invalid request: params must be an array of stream names", id);
    }
    if (name == "SUBSCRIBE") {
      for (const auto& p : params) {
        const auto& stream = p.get_ref<const std::string&>();
        if (contains(stream)) continue;
        if (streams_.size() >= kMaxStreamsPerConnection) {
          return error_reply(2, "Invalid request: too many streams", id);
        }
        streams_.push_back(stream);
      }
    } else {
      for (const auto& p : params) {
        streams_.erase(std::remove(streams_.begin(), streams_.end(), p.get<std::string>()),
                       streams_.end());
      }
    }
    return nlohmann::json{{"result", nullptr}, {"id", id}}.dump();
  }
  if (name == "LIST_SUBSCRIPTIONS") {
    return nlohmann::json{{"result", streams_}, {"id", id}}.dump();
  }
  if (name == "SET_PROPERTY" || name == "GET_PROPERTY") {
    if (!params.is_array() || params.empty() || !params[0].is_string()) {
      return error_reply(2, "Invalid request: property name must be a string", id);
    }
    if (params[0] != "combined") return error_reply(0, "Unknown property", id);
    if (name == "GET_PROPERTY") return nlohmann::json{{"result", combined_}, {"id", id}}.dump();
    if (params.size() != 2 || !params[1].is_boolean()) {
      return error_reply(1, "Invalid value type: expected Boolean", id);
    }
    combined_ = params[1].get<bool>();
    return nlohmann::json{{"result", nullptr}, {"id", id}}.dump();
  }
  return error_reply(2,
                     "Invalid request: unknown variant `" + name +
                         "`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, "
                         "`SET_PROPERTY`, `GET_PROPERTY`",
                     id);
}

std::string StreamSubscriptions::frame(std::string_view stream,
                                       const nlohmann::json& payload) const {
  if (!combined_) return payload.dump();
  return nlohmann::json{{"stream", stream}, {"data", payload}}.dump();
}

nlohmann::json server_shutdown_event(std::int64_t event_time) {
  return {{"e", "serverShutdown"}, {"E", event_time}};
}

}  // namespace autotrader::fakes::binance
