/// @file app_state.cpp
/// @brief app_state::add_file: loads a results file into the app, or records one readable line on why it could not.
#include <string>
#include <utility>

#include "panel.hpp"

namespace ws_viz {

bool app_state::add_file(const std::filesystem::path& path) {
  load_result loaded = load_results(path);
  if (loaded.file) {
    files.push_back(std::move(*loaded.file));
    return true;
  }
  // The loader names the file in its message; make sure of it, the user needs to know which one to fix.
  std::string error = loaded.error.empty() ? "could not be loaded" : loaded.error;
  if (error.find(path.filename().string()) == std::string::npos) error = path.string() + ": " + error;
  load_errors.push_back(std::move(error));
  return false;
}

}  // namespace ws_viz
