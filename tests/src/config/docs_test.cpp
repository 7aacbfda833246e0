// The shipped documentation and examples must follow the schema table.
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "config/dotenv.hpp"
#include "config/loader.hpp"
#include "config/schema.hpp"
#include "config/secrets.hpp"
#include "temp_dir.hpp"

namespace autotrader::config {
namespace {

std::string read_source_file(const char* relative) {
  std::ifstream in{std::filesystem::path{AUTOTRADER_SOURCE_DIR} / relative};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> all_variable_names() {
  std::vector<std::string> names{std::string{config_file_env}};
  for (const auto& spec : schema()) {
    names.push_back(env_name(spec.path));
    names.insert(names.end(), spec.env_aliases.begin(), spec.env_aliases.end());
  }
  for (const auto& secret : secret_specs()) names.emplace_back(secret.env_name);
  return names;
}

std::string default_text(const KeySpec& spec) {
  if (spec.default_value == "") return "\"\"";
  if (spec.default_value.is_string()) return spec.default_value.get<std::string>();
  if (spec.default_value.is_array()) {  // as in the environment: comma-separated
    std::string text;
    for (const auto& item : spec.default_value) {
      text += (text.empty() ? "" : ",") + item.get<std::string>();
    }
    return text;
  }
  if (spec.default_value.is_number_float()) {
    return fmt::format("{}", spec.default_value.get<double>());
  }
  return spec.default_value.dump();
}

// The README's table row of a key: the line that starts with "| `key` |".
std::string row_of(const std::string& readme, const std::string& key) {
  const auto start = readme.find("| `" + key + "` |");
  if (start == std::string::npos) return {};
  return readme.substr(start, readme.find('\n', start) - start);
}

TEST(Readme, DocumentsEveryKeyWithTypeDefaultRangeAndVariable) {
  const auto readme = read_source_file("config/README.md");
  ASSERT_FALSE(readme.empty());
  for (const auto& spec : schema()) {
    const auto row = row_of(readme, spec.path);
    ASSERT_FALSE(row.empty()) << "no table row for " << spec.path;
    EXPECT_NE(row.find(type_name(spec.type)), std::string::npos) << row;
    EXPECT_NE(row.find("`" + default_text(spec) + "`"), std::string::npos) << row;
    EXPECT_NE(row.find(range_text(spec)), std::string::npos) << row;
    for (const auto& allowed : spec.allowed) EXPECT_NE(row.find(allowed), std::string::npos) << row;
    EXPECT_NE(row.find(env_name(spec.path)), std::string::npos) << row;
    for (const auto& alias : spec.env_aliases) EXPECT_NE(row.find(alias), std::string::npos) << row;
  }
}

TEST(Readme, NamesEverySecretTheConfigVariableAndTheExitCode) {
  const auto readme = read_source_file("config/README.md");
  for (const auto& name : all_variable_names()) {
    EXPECT_NE(readme.find(name), std::string::npos) << name;
  }
  EXPECT_NE(readme.find(std::to_string(exit_code_bad_config)), std::string::npos);
}

TEST(EnvExample, ListsEveryVariableCommentedOut) {
  const auto example = read_source_file("config/.env.example");
  ASSERT_FALSE(example.empty());
  for (const auto& name : all_variable_names()) {
    EXPECT_NE(example.find("# " + name + "="), std::string::npos) << name;
  }
  std::istringstream lines{example};
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(line.empty() || line.front() == '#') << line;
  }
  EXPECT_TRUE(parse_dotenv(example).entries.empty());
}

// Uncommenting every example line (except AUTOTRADER_CONFIG, which would name a missing file)
// gives a .env that loads cleanly, so the placeholders are valid values.
TEST(EnvExample, UncommentedValuesAreValid) {
  std::istringstream lines{read_source_file("config/.env.example")};
  std::string dotenv;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# ", 0) != 0) continue;
    const auto assignment = line.substr(2);
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || assignment.find(' ') < equals) continue;
    if (assignment.rfind(config_file_env, 0) == 0) continue;
    dotenv += assignment + "\n";
  }
  test::TempDir dir;
  dir.write(".env", dotenv);
  LoadOptions options;
  options.working_dir = dir.path();
  const auto result = load(options);
  for (const auto& error : result.errors) ADD_FAILURE() << format_error(error);
  EXPECT_EQ(result.secrets.values().size(), secret_specs().size());
}

}  // namespace
}  // namespace autotrader::config
