#pragma once
// The one table of configuration keys: type, default, allowed range or values, description and
// environment names of each. Loading validates against it, to_json() reads through it, and
// config/README.md documents it (a test checks the README names every key and variable).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/settings.hpp"

namespace autotrader::config {

inline constexpr std::string_view env_prefix = "AUTOTRADER_";
// Names the config file when --config is not given.
inline constexpr std::string_view config_file_env = "AUTOTRADER_CONFIG";
// Named fault points to arm (core/fault.hpp); read by the daemon from the environment only.
inline constexpr std::string_view faults_env = "AUTOTRADER_FAULTS";

// string_list: a JSON array of strings in the file; comma-separated in the environment.
enum class ValueType { string, boolean, integer, number, enumeration, string_list };

struct Bound {
  double value;
  bool inclusive;
};

// Moves one key's value between Settings and JSON (the file's representation: durations are
// seconds, levels are names). set() expects a value that passed validate().
struct Field {
  std::function<void(Settings&, const nlohmann::json&)> set;
  std::function<nlohmann::json(const Settings&)> get;
};

struct KeySpec {
  std::string path;  // "http.port"
  ValueType type = ValueType::string;
  nlohmann::json default_value;
  std::optional<Bound> min;
  std::optional<Bound> max;
  std::vector<std::string> allowed;  // for enumerations
  // A rule beyond type and range; returns what is wrong. `rule` says it in words for the docs.
  std::optional<std::string> (*check)(const nlohmann::json&) = nullptr;
  std::string rule;
  std::string description;
  std::vector<std::string> env_aliases;  // accepted besides env_name(path)
  // Reads the text of an alias when the alias takes more forms than the key (CHECK_INTERVAL
  // takes seconds as well as an interval name): the key's JSON value, or a message that never
  // repeats the text. nullptr: aliases are read like the key (parse_text).
  std::variant<nlohmann::json, std::string> (*parse_alias_text)(std::string_view text) = nullptr;
  // A key that a newer one replaced (market.venue, replaced by mode): still documented and
  // accepted so old configurations keep their meaning, but left out of the shipped file, whose
  // copies would otherwise carry it into configurations that set the newer key.
  bool legacy = false;
  Field field;
};

const std::vector<KeySpec>& schema();
const KeySpec* find_key(std::string_view path);
// The key whose environment name or alias is `name`, or nullptr.
const KeySpec* find_key_by_env(std::string_view name);
// True for the paths of sections ("http"), which hold keys and are not keys themselves.
bool is_section(std::string_view path);

// "http.port" -> "AUTOTRADER_HTTP_PORT"
std::string env_name(std::string_view path);
// "http.port" -> "/http/port"
std::string json_pointer_of(std::string_view path);
std::string type_name(ValueType type);
// "[0, 65535]", "(0, 300]", or empty without a range.
std::string range_text(const KeySpec& spec);

// Checks type, range, allowed values and rule. The message never repeats a string value.
std::optional<std::string> validate(const KeySpec& spec, const nlohmann::json& value);

// Turns environment text into a JSON value of the key's type (bools: true/false/1/0/yes/no and
// enumerations case-insensitive; lists: comma-separated items, each trimmed). Returns the JSON
// value, or a message that never repeats the text. validate() still has to check the result.
std::variant<nlohmann::json, std::string> parse_text(const KeySpec& spec, std::string_view text);

// parse_text for the variable `name`, the key's own (env_name) or one of its aliases; an alias
// is read by the key's parse_alias_text when it has one.
std::variant<nlohmann::json, std::string> parse_variable(const KeySpec& spec, std::string_view name,
                                                         std::string_view text);

// The built-in defaults in the layout of the config file.
nlohmann::json defaults_json();
// defaults_json() without the legacy keys: what config/autotrader.json holds.
nlohmann::json shipped_defaults_json();

}  // namespace autotrader::config
