/// @file workspace.cpp
/// @brief The graded workspace (workspace.hpp): a copy of the public sources and a build of only the graded trees.
#include "workspace.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "manifest.hpp"
#include "sandbox.hpp"

namespace ws_grade {

namespace fs = std::filesystem;

namespace {

bool is_root() { return ::geteuid() == 0; }

}  // namespace

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_if_different(const fs::path& file, const std::string& contents) {
  if (fs::is_regular_file(fs::symlink_status(file)) && read_text(file) == contents) return;
  fs::remove(file);  // never write through a symlink someone left there
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

graded_workspace workspace_for(const fs::path& grade_build) {
  graded_workspace ws;
  ws.separate_users = is_root();
  if (ws.separate_users) {
    const std::string id = sha256_hex(fs::absolute(grade_build).lexically_normal().string()).substr(0, 16);
    ws.root = fs::path("/var/tmp") / ("warpspeed-graded-" + id);
  } else {
    ws.root = fs::absolute(grade_build).lexically_normal().parent_path() / "graded";
  }
  ws.source = ws.root / "source";
  ws.build = ws.root / "build";
  return ws;
}

const std::vector<std::string>& public_sources() {
  // What `cmake -DWS_GRADED_ONLY=ON` reads, and what the labs' test files include. Not solutions/, not labs/ (the
  // grader writes each submission into the build; only the manifests are copied, below), not build/, not
  // tools/grader/.
  static const std::vector<std::string> files = {
      "CMakeLists.txt", "cmake",          "common",          "tools/CMakeLists.txt", "tools/cudacpu_translate",
      "tests/CMakeLists.txt", "tests/support"};
  return files;
}

void chown_tree(const fs::path& path, uid_t uid) {
  if (!is_root()) return;
  if (::lchown(path.c_str(), uid, uid) != 0) throw std::runtime_error("cannot hand " + path.string() + " over");
  if (!fs::is_directory(fs::symlink_status(path))) return;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(path)) {
    if (::lchown(e.path().c_str(), uid, uid) != 0) throw std::runtime_error("cannot hand " + e.path().string() + " over");
  }
}

std::vector<std::string> lock_down(const std::vector<fs::path>& private_folders) {
  std::vector<std::string> changed;
  if (!is_root()) return changed;
  for (const fs::path& p : private_folders) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if ((st.st_mode & 0007) == 0) continue;
    if (::chmod(p.c_str(), st.st_mode & 07770) == 0) changed.push_back(p.string());
  }
  return changed;
}

void prepare_workspace(const fs::path& checkout, const graded_workspace& ws, std::ostream& log) {
  fs::create_directories(ws.source);
  if (ws.separate_users) {
    ::chmod(ws.root.c_str(), 0755);
    ::chmod(ws.source.c_str(), 0755);
  }
  // The public sources, and each lab's tests (tests/labNN_*.cpp: the .tests.cpp and the .perf.cpp).
  std::vector<std::pair<fs::path, fs::path>> copies;
  for (const std::string& name : public_sources()) {
    const fs::path from = checkout / name;
    if (fs::is_regular_file(from)) {
      copies.emplace_back(from, ws.source / name);
    } else if (fs::is_directory(from)) {
      for (const fs::directory_entry& e : fs::recursive_directory_iterator(from)) {
        if (e.is_regular_file()) copies.emplace_back(e.path(), ws.source / fs::relative(e.path(), checkout));
      }
    }
  }
  for (const fs::directory_entry& e : fs::directory_iterator(checkout / "tests")) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.starts_with("lab") && name.ends_with(".cpp")) {
      copies.emplace_back(e.path(), ws.source / "tests" / name);
    }
  }
  // Each lab's manifest (public: labs/ holds the same copy), where cmake/WsLab.cmake reads it in this build.
  for (const fs::directory_entry& e : fs::directory_iterator(checkout / "solutions")) {
    if (e.is_directory() && fs::is_regular_file(e.path() / "lab.json")) {
      copies.emplace_back(e.path() / "lab.json", ws.source / "labs" / e.path().filename() / "lab.json");
    }
  }
  for (const auto& [from, to] : copies) {
    fs::create_directories(to.parent_path());
    write_if_different(to, read_text(from));
    ::chmod(to.c_str(), 0644);
  }
  if (ws.separate_users) {
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(ws.source)) {
      if (e.is_directory()) ::chmod(e.path().c_str(), 0755);
    }
  }

  fs::create_directories(ws.build);
  if (ws.separate_users) {
    ::chmod(ws.build.c_str(), 0700);  // the test user may not read what a submission was built from
    chown_tree(ws.build, k_build_uid);
  }
  if (fs::exists(ws.build / "build.ninja")) return;
  log << "    configuring the build submissions are compiled in (" << ws.build.string() << ")...\n" << std::flush;
  const std::vector<std::string> argv{"cmake",
                                      "-S", ws.source.string(),
                                      "-B", ws.build.string(),
                                      "-G", "Ninja",
                                      "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                                      "-DWS_GRADED_ONLY=ON",
                                      "-DWS_CUDACPU_CHECK=memory",
                                      "-DWS_CUDA=AUTO"};
  run_limits limits;
  limits.wall_seconds = 600;
  limits.cpu_seconds = 1200;
  limits.memory_bytes = 8ull << 30;
  limits.file_bytes = 1ull << 30;
  limits.output_bytes = 1 << 20;
  sandbox_options s;
  s.use_bwrap = false;  // our own files; the user is what matters
  s.workdir = ws.build;
  if (ws.separate_users) s.run_as_uid = k_build_uid;
  const run_result r = run_limited(argv, limits, s);
  if (r.exit_code != 0) {
    throw std::runtime_error("cannot configure the graded build in " + ws.build.string() + " (" +
                             r.failure_reason() + "):\n" +
                             r.output.substr(r.output.size() > 3000 ? r.output.size() - 3000 : 0));
  }
}

}  // namespace ws_grade
