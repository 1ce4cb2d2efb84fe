/// @file main.cpp
/// @brief `ws_cudacpu_translate IN.cu -o OUT.cpp`: the CPU backend's source translator as a command (translate.h).
///
/// Errors go to stderr as `file:line:col: error: …` (the absolute path, as in the `#line` the output carries), and
/// the exit status is 1; no output file is left behind then, so a build cannot compile a stale translation.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "translate.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* k_usage =
    "usage: ws_cudacpu_translate IN.cu [-o OUT.cpp]\n"
    "Rewrites kernel launches and __shared__ declarations of a CUDA file into C++ for the CPU backend,\n"
    "keeping every line number. Without -o (or with -o -) the result goes to stdout.\n";

bool read_file(const fs::path& path, std::string& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  bytes = std::move(buffer).str();
  return !in.bad();
}

/// Writes only when the content changed: the build's restat then skips recompiling an unchanged translation.
bool write_file_if_changed(const fs::path& path, const std::string& bytes) {
  std::string old;
  if (read_file(path, old) && old == bytes) return true;
  if (path.has_parent_path()) {
    std::error_code ignored;
    fs::create_directories(path.parent_path(), ignored);
  }
  const fs::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()))) return false;
  }
  std::error_code error;
  fs::rename(temp, path, error);  // atomic: a compiler never sees half a file
  return !error;
}

}  // namespace

int main(int argc, char** argv) {
  std::string input;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << k_usage;
      return 0;
    }
    if (arg == "-o") {
      if (i + 1 == argc) {
        std::cerr << "ws_cudacpu_translate: error: -o needs a file name\n" << k_usage;
        return 2;
      }
      output = argv[++i];
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::cerr << "ws_cudacpu_translate: error: unknown option '" << arg << "'\n" << k_usage;
      return 2;
    } else if (input.empty()) {
      input = arg;
    } else {
      std::cerr << "ws_cudacpu_translate: error: one input file only (got '" << input << "' and '" << arg << "')\n";
      return 2;
    }
  }
  if (input.empty()) {
    std::cerr << "ws_cudacpu_translate: error: no input file\n" << k_usage;
    return 2;
  }

  std::error_code error;
  const fs::path absolute = fs::absolute(input, error).lexically_normal();
  std::string source;
  if (error || !read_file(absolute, source)) {
    std::cerr << "ws_cudacpu_translate: error: cannot read '" << input << "'\n";
    return 1;
  }

  std::vector<ws::cudacpu_translate::diagnostic> errors;
  const std::string result = ws::cudacpu_translate::translate(source, absolute.string(), errors);
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << ws::cudacpu_translate::format_diagnostic(absolute.string(), source, e);
    if (!output.empty() && output != "-") fs::remove(output, error);
    return 1;
  }
  if (output.empty() || output == "-") {
    std::cout << result;
    return std::cout ? 0 : 1;
  }
  if (!write_file_if_changed(output, result)) {
    std::cerr << "ws_cudacpu_translate: error: cannot write '" << output << "'\n";
    return 1;
  }
  return 0;
}
