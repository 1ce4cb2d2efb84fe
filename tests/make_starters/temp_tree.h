/// @file temp_tree.h
/// @brief A throw-away course root (solutions/, labs/) in the temp folder, and a way to run make_starters on it.
#pragma once

#include "make_starters.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace ws::make_starters::testing {

namespace fs = std::filesystem;

/// Removed with everything in it when the test ends, pass or fail.
class temp_tree {
 public:
  temp_tree() {
    static int counter = 0;
    root_ = fs::temp_directory_path() /
            ("ws_make_starters_tests_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(root_);
    fs::create_directories(root_ / "solutions");
  }
  ~temp_tree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  temp_tree(const temp_tree&) = delete;
  temp_tree& operator=(const temp_tree&) = delete;

  [[nodiscard]] const fs::path& root() const { return root_; }
  [[nodiscard]] fs::path path(const std::string& rel) const { return root_ / rel; }

  void write(const std::string& rel, const std::string& bytes) const {
    fs::create_directories(path(rel).parent_path());
    std::ofstream(path(rel), std::ios::binary) << bytes;
  }

  [[nodiscard]] std::string read(const std::string& rel) const {
    std::ifstream in(path(rel), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  [[nodiscard]] bool exists(const std::string& rel) const { return fs::exists(path(rel)); }

  /// Every file under @p rel, '/'-separated and sorted, to compare whole trees at once.
  [[nodiscard]] std::vector<std::string> files(const std::string& rel) const {
    std::vector<std::string> result;
    if (!fs::exists(path(rel))) return result;
    for (const auto& e : fs::recursive_directory_iterator(path(rel))) {
      if (e.is_regular_file()) result.push_back(e.path().lexically_relative(path(rel)).generic_string());
    }
    std::sort(result.begin(), result.end());
    return result;
  }

 private:
  fs::path root_;
};

struct run_result {
  int code = -1;
  std::string out;
  std::string err;
};

/// make_starters --root <tree> <args…>, in-process.
inline run_result run_tool(const temp_tree& tree, std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"--root", tree.root().string()});
  std::ostringstream out, err;
  run_result r;
  r.code = run_cli(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

/// run() with explicit options, for what the command line cannot pin (the backup time stamp).
inline run_result run_with_options(const temp_tree& tree, options opts) {
  opts.root = tree.root();
  std::ostringstream out, err;
  run_result r;
  r.code = run(opts, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace ws::make_starters::testing
