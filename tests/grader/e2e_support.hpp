/// @file e2e_support.hpp
/// @brief What the grader's end-to-end tests share (grade_e2e.tests.cpp, attacks.tests.cpp): temp folders, the
/// solution and starter files of a lab, and `./course grade` run as a learner or an instructor would.
#pragma once

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "regions.h"
#include "sandbox.hpp"

namespace ws_e2e {

namespace fs = std::filesystem;
using json = nlohmann::json;


inline const fs::path k_root = WS_SOURCE_DIR;

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

/// A temporary folder, removed at the end.
struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string templ = (fs::temp_directory_path() / "ws-grade-e2e-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

inline fs::path lab_folder(const std::string& lab) {
  for (const fs::directory_entry& e : fs::directory_iterator(k_root / "solutions")) {
    if (e.path().filename().string().starts_with(lab + "_")) return e.path().filename();
  }
  FAIL("no solutions/" << lab << "_*");
  return {};
}

inline json manifest_of(const std::string& lab) { return json::parse(read_text(k_root / "solutions" / lab_folder(lab) / "lab.json")); }

/// Copies the manifest's files of the reference solution into `into`.
inline void copy_solution(const std::string& lab, const fs::path& into) {
  const json manifest = manifest_of(lab);  // a range-for over a temporary's member would dangle
  for (const json& f : manifest["files"]) {
    fs::copy_file(k_root / "solutions" / lab_folder(lab) / f.get<std::string>(), into / f.get<std::string>());
  }
}

struct graded {
  json results;
  std::string output;  // what ./course printed
  int exit_code = -1;
};

/// `./course grade LAB ARGS... --out <tmp>/results.json --gpu no`.
inline graded course_grade(const std::string& lab, std::vector<std::string> args, const fs::path& out_dir) {
  const fs::path out = out_dir / "results.json";
  std::vector<std::string> argv{(k_root / "course").string(), "grade", lab};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--out", out.string(), "--gpu", "no"});
  ws_grade::run_limits limits;
  limits.wall_seconds = 1200;  // the first call configures and builds build/grade
  limits.cpu_seconds = 2400;
  limits.memory_bytes = 16ull << 30;
  limits.file_bytes = 1ull << 30;
  limits.output_bytes = 1 << 20;
  const ws_grade::run_result r = ws_grade::run_trusted(argv, limits, out_dir);
  graded g;
  g.output = r.output;
  g.exit_code = r.exit_code;
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  REQUIRE(fs::exists(out));
  g.results = json::parse(read_text(out));
  return g;
}

inline double score(const json& r) { return r["score"].get<double>(); }
inline double max_score(const json& r) { return r["max_score"].get<double>(); }

inline const json& test_named(const json& r, const std::string& name) {
  for (const json& t : r["tests"]) {
    if (t["name"] == name) return t;
  }
  FAIL("results.json has no test \"" << name << "\"");
  return r;
}

/// The files of `folder`, recursively, as a set of relative names: what a grading must not add to.
inline std::vector<std::string> listing(const fs::path& folder) {
  std::vector<std::string> names;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(folder)) {
    names.push_back(fs::relative(e.path(), folder).string());
  }
  std::sort(names.begin(), names.end());
  return names;
}


/// The starter of `lab`'s submitted files (what tools/make_starters writes into labs/), into `into`.
inline void copy_starter(const std::string& lab, const fs::path& into) {
  const json manifest = manifest_of(lab);
  for (const json& f : manifest["files"]) {
    const std::string name = f.get<std::string>();
    const auto starter = ws::make_starters::make_starter_text(
        read_text(k_root / "solutions" / lab_folder(lab) / name), ws::make_starters::lab_tag_for(lab_folder(lab).string()),
        name);
    REQUIRE(starter.errors.empty());
    write_text(into / name, starter.text);
  }
}

}  // namespace ws_e2e
