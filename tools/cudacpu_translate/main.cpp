/// @file main.cpp
/// @brief `ws_cudacpu_translate IN.cu -o OUT.cpp [-I DIR]... [--depfile OUT.d]`: the CPU backend's source translator
///        as a command (translate.h).
///
/// Kernels and `__shared__` declarations kept in headers (`kernel.cuh` next to the `.cu`) need translating too. So
/// every `#include "name"` is followed, resolved as the compiler would (next to the including file, then in the -I
/// folders): a header that needs a rewrite, or includes one that does, is translated into `OUT.cpp.headers/` (its
/// absolute path mirrored there, `#line 1` naming the original) and the `#include` is pointed at the copy on the
/// same line, so every line number stays. Headers that need nothing are left where they are. `--depfile` writes the
/// headers that were read, for the build to translate again when one changes.
///
/// Errors go to stderr as `file:line:col: error: …` (the absolute path, as in the `#line` the output carries), and
/// the exit status is 1; no output file is left behind then, so a build cannot compile a stale translation.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "translate.h"

namespace {

namespace fs = std::filesystem;

constexpr const char* k_usage =
    "usage: ws_cudacpu_translate IN.cu [-o OUT.cpp] [-I DIR]... [--standin DIR]... [--depfile OUT.d]\n"
    "Rewrites kernel launches and __shared__ declarations of a CUDA file into C++ for the CPU backend,\n"
    "keeping every line number. Headers it includes with quotes (found next to the including file or in a -I\n"
    "folder) that need the same are translated into OUT.cpp.headers/. Without -o (or with -o -) the result goes\n"
    "to stdout and headers are not translated. A name found in a --standin folder (the CPU backend's own\n"
    "headers, which the compiler searches first) is never followed.\n";

bool read_file(const fs::path& path, std::string& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  bytes = std::move(buffer).str();
  return !in.bad();
}

/// Writes only when the content changed, unless @p force: the build's restat then skips recompiling an unchanged
/// translation. @p changed, when given, is set when the file was written.
bool write_file_if_changed(const fs::path& path, const std::string& bytes, bool* changed = nullptr, bool force = false) {
  std::string old;
  if (!force && read_file(path, old) && old == bytes) return true;
  if (changed != nullptr) *changed = true;
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

/// The quoted includes of a translation: each file read once, each header translated at most once.
class include_graph {
 public:
  include_graph(std::vector<fs::path> standin_dirs, std::vector<fs::path> dirs, fs::path out_dir)
      : standin_dirs_(std::move(standin_dirs)), dirs_(std::move(dirs)), out_dir_(std::move(out_dir)) {}

  /// Where `#include "name"` in @p from resolves: next to @p from, then the -I folders; empty when nowhere, or when
  /// the name is a stand-in header (`#include "cuda_runtime.h"`: the compiler finds the stand-in first).
  fs::path resolve(const fs::path& from, const std::string& name) const {
    std::error_code error;
    for (const fs::path& d : standin_dirs_) {
      if (fs::is_regular_file(d / name, error)) return {};
    }
    std::vector<fs::path> candidates{from.parent_path() / name};
    for (const fs::path& d : dirs_) candidates.push_back(d / name);
    for (const fs::path& c : candidates) {
      if (fs::is_regular_file(c, error)) return fs::absolute(c, error).lexically_normal();
    }
    return {};
  }

  /// Whether @p file (or a header it includes with quotes) needs the translator; reads and caches it.
  bool needs(const fs::path& file) {
    if (const auto it = nodes_.find(file); it != nodes_.end()) return it->second.needs;
    node& n = nodes_[file];  // an include cycle reads as "no" while its first file is being looked at
    if (!read_file(file, n.source)) return false;
    std::vector<ws::cudacpu_translate::diagnostic> ignored;
    const std::string body = ws::cudacpu_translate::translate_body(n.source, ignored);
    bool needed = body != n.source || !ignored.empty();
    for (const auto& inc : ws::cudacpu_translate::quoted_includes(n.source)) {
      const fs::path target = resolve(file, inc.name);
      if (!target.empty() && needs(target)) needed = true;
    }
    nodes_[file].needs = needed;
    return needed;
  }

  /// The translated copy of header @p file.
  fs::path copy_of(const fs::path& file) const { return out_dir_ / file.relative_path(); }

  /// @p text (the translated @p file, whose first @p prefix_lines lines are the translator's own) with each
  /// `#include "name"` of the original pointing at the translated copy when the header needs one, and, in a copy
  /// (which lives elsewhere), at the original otherwise.
  std::string redirect(const fs::path& file, const std::string& original, std::string text, std::size_t prefix_lines,
                       bool is_copy) {
    // Same number of lines as the original and the include names are on the same lines: find each directive's
    // line in the original, then the same quoted name on that line of the translated text.
    const auto line_of = [](const std::string& s, std::size_t at) {
      return static_cast<std::size_t>(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    };
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') starts.push_back(i + 1);
    }
    std::vector<std::pair<std::size_t, std::pair<std::size_t, std::string>>> edits;  // (offset, (length, new))
    for (const auto& inc : ws::cudacpu_translate::quoted_includes(original)) {
      const fs::path target = resolve(file, inc.name);
      if (target.empty()) continue;
      std::string replacement;
      if (needs(target)) {
        replacement = copy_of(target).string();
        pending_.push_back(target);
      } else if (is_copy) {
        replacement = target.string();
      } else {
        continue;
      }
      const std::size_t line = line_of(original, inc.begin) + prefix_lines;
      if (line >= starts.size()) continue;
      const std::size_t line_end = line + 1 < starts.size() ? starts[line + 1] : text.size();
      const std::size_t at = text.find("\"" + inc.name + "\"", starts[line]);
      if (at == std::string::npos || at >= line_end) continue;
      edits.push_back({at + 1, {inc.name.size(), replacement}});
    }
    for (auto it = edits.rbegin(); it != edits.rend(); ++it) text.replace(it->first, it->second.first, it->second.second);
    return text;
  }

  /// Translates every header a redirect pointed at (and the headers they include); false on an error. Sets
  /// @p changed when a copy was written.
  bool translate_pending(bool& changed) {
    while (!pending_.empty()) {
      const fs::path header = pending_.back();
      pending_.pop_back();
      if (done_.count(header) != 0) continue;
      done_[header] = true;
      const std::string& source = nodes_[header].source;
      std::vector<ws::cudacpu_translate::diagnostic> errors;
      std::string text = ws::cudacpu_translate::translate_header(source, header.string(), errors);
      if (!errors.empty()) {
        for (const auto& e : errors) std::cerr << ws::cudacpu_translate::format_diagnostic(header.string(), source, e);
        return false;
      }
      text = redirect(header, source, std::move(text), /*prefix_lines=*/1, /*is_copy=*/true);  // #line
      const fs::path out = copy_of(header);
      if (!write_file_if_changed(out, text, &changed)) {
        std::cerr << "ws_cudacpu_translate: error: cannot write '" << out.string() << "'\n";
        return false;
      }
    }
    return true;
  }

  /// Every file that was read (the inputs of the translation), for the depfile.
  std::vector<fs::path> files_read() const {
    std::vector<fs::path> out;
    for (const auto& [path, n] : nodes_) out.push_back(path);
    return out;
  }

 private:
  struct node {
    std::string source;
    bool needs = false;
  };
  std::vector<fs::path> standin_dirs_;
  std::vector<fs::path> dirs_;
  fs::path out_dir_;
  std::map<fs::path, node> nodes_;
  std::map<fs::path, bool> done_;
  std::vector<fs::path> pending_;
};

/// `path` escaped for a Makefile-style depfile (what Ninja reads).
std::string depfile_escape(const std::string& path) {
  std::string out;
  for (const char c : path) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string input;
  std::string output;
  std::string depfile;
  std::vector<fs::path> include_dirs;
  std::vector<fs::path> standin_dirs;
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
    } else if (arg == "-I" || arg == "--depfile" || arg == "--standin") {
      if (i + 1 == argc) {
        std::cerr << "ws_cudacpu_translate: error: " << arg << " needs a value\n" << k_usage;
        return 2;
      }
      if (arg == "-I") {
        include_dirs.emplace_back(argv[++i]);
      } else if (arg == "--standin") {
        standin_dirs.emplace_back(argv[++i]);
      } else {
        depfile = argv[++i];
      }
    } else if (arg.size() > 2 && arg.rfind("-I", 0) == 0) {
      include_dirs.emplace_back(arg.substr(2));
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
  for (fs::path& d : include_dirs) d = fs::absolute(d, error).lexically_normal();
  const fs::path out_path = fs::absolute(output, error).lexically_normal();
  include_graph graph(standin_dirs, include_dirs, fs::path(out_path.string() + ".headers"));
  // The main file starts with two lines of its own: #include <cuda_runtime.h> and #line.
  const std::string redirected = graph.redirect(absolute, source, result, /*prefix_lines=*/2, /*is_copy=*/false);
  bool headers_changed = false;
  if (!graph.translate_pending(headers_changed)) {
    fs::remove(output, error);
    return 1;
  }
  // A header copy that changed is not an output the build knows of: rewriting the main file (newer than its
  // object) is what makes the object compile again.
  if (!write_file_if_changed(output, redirected, nullptr, headers_changed)) {
    std::cerr << "ws_cudacpu_translate: error: cannot write '" << output << "'\n";
    return 1;
  }
  if (!depfile.empty()) {
    std::string deps = depfile_escape(output) + ":";
    for (const fs::path& f : graph.files_read()) deps += " \\\n  " + depfile_escape(f.string());
    deps += "\n";
    if (!write_file_if_changed(depfile, deps)) {
      std::cerr << "ws_cudacpu_translate: error: cannot write '" << depfile << "'\n";
      return 1;
    }
  }
  return 0;
}
