/// @file panel.hpp
/// @brief What every panel sees: the loaded results and the app's shared choices. One panel per file
/// (panels/panel_<name>.cpp); panels read results and draw, they never compute benchmarks themselves.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "data/results.hpp"

namespace ws_viz {

/// The app's state, owned by main.cpp and passed to the panel being drawn.
struct app_state {
  std::filesystem::path root;              ///< the course checkout (for ./course bench in the live panel)
  std::vector<results_file> files;         ///< loaded results, in the order given
  std::vector<std::string> load_errors;    ///< one line per file that could not be loaded (shown in the UI)
  int selected_file = 0;                   ///< the file the single-file panels show
  std::string workload;                    ///< the workload the single-file panels show (main.cpp: the first file's)
  bool screenshot = false;                 ///< drawing for a headless screenshot: no animation, no live process

  /// Adds a results file (load_results); a failure goes to load_errors. Returns true when it loaded.
  bool add_file(const std::filesystem::path& path);
};

/// The panels, by their command-line names: dashboard, roofline, compare, live, explorer.
void draw_dashboard(app_state& app);
void draw_roofline(app_state& app);
void draw_compare(app_state& app);
void draw_live(app_state& app);
void draw_explorer(app_state& app);

}  // namespace ws_viz
