#pragma once
// The dashboard's static files (index.html, app.js, style.css) as compiled into the binary by
// embed_assets.cmake. The views point into static storage and live as long as the program.
#include <string_view>
#include <vector>

namespace autotrader::web {

struct EmbeddedFile {
  std::string_view name;  // the file name in src/web, e.g. "app.js"
  std::string_view body;
};

const std::vector<EmbeddedFile>& embedded_files();

}  // namespace autotrader::web
