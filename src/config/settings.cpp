#include "config/settings.hpp"

#include "config/schema.hpp"

namespace autotrader::config {

nlohmann::json to_json(const Settings& settings) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& spec : schema()) {
    out[nlohmann::json::json_pointer{json_pointer_of(spec.path)}] = spec.field.get(settings);
  }
  return out;
}

core::log::LogOptions log_options(const Settings& settings) {
  core::log::LogOptions options;
  options.level = settings.log.level;
  options.console = settings.log.console;
  options.data_dir = settings.data_dir;
  options.file_max_bytes = settings.log.file_max_bytes;
  options.file_count = settings.log.file_count;
  return options;
}

}  // namespace autotrader::config
