/// @file progress.tests.cpp
/// @brief The progress file (tools/test_report/progress.hpp): what ./course start says for each recorded state, a
/// hash that follows the manifest's files, atomic updates that survive a broken file.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "progress.hpp"

namespace fs = std::filesystem;
using namespace ws_report;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string t = (fs::temp_directory_path() / "ws-progress-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

part_result part(const std::string& result, std::size_t failed, std::size_t total, const std::string& hash) {
  return {result, failed, total, "2026-12-07T21:00:00Z", hash};
}

}  // namespace

TEST_CASE("each recorded state reads as ./course start shows it", "[progress]") {
  CHECK(lab_status(nullptr, "h") == "not checked yet");
  lab_progress lab;
  lab.parts["gpu"] = part("passing", 0, 7, "h");
  lab.parts["cpu"] = part("passing", 0, 2, "h");
  CHECK(lab_status(&lab, "h") == "passing");
  CHECK(lab_status(&lab, "other") == "passing (changed since last check)");
  lab.parts["gpu"] = part("failing", 2, 7, "h");
  CHECK(lab_status(&lab, "h") == "failing 2 of 9");
  lab.parts["gpu"] = part("crashed", 5, 7, "h");
  CHECK(lab_status(&lab, "h") == "failing 5 of 9 (it crashed or hung)");
  lab.grade = grade_result{9, 15, "", "h"};
  CHECK(lab_status(&lab, "h") == "failing 5 of 9 (it crashed or hung), graded 9/15");
  CHECK(lab_status(&lab, "new") == "failing 5 of 9 (it crashed or hung) (changed since last check)");
  lab.build_failed = part("does not build", 0, 0, "h");
  CHECK(lab_status(&lab, "h") == "does not build, graded 9/15");
}

TEST_CASE("the files' hash follows the manifest's files and nothing else", "[progress]") {
  temp_dir d;
  write(d.path / "lab.json", R"({"files": ["a.cu", "b.cpp"]})");
  write(d.path / "a.cu", "int a;");
  write(d.path / "b.cpp", "int b;");
  write(d.path / "README.md", "read me");
  const std::string h = lab_files_hash(d.path);
  CHECK(h.size() == 16);
  write(d.path / "README.md", "changed");
  CHECK(lab_files_hash(d.path) == h);
  write(d.path / "b.cpp", "int b = 1;");
  CHECK(lab_files_hash(d.path) != h);
  write(d.path / "b.cpp", "int b;");
  CHECK(lab_files_hash(d.path) == h);
  fs::remove(d.path / "a.cu");
  CHECK(lab_files_hash(d.path) != h);
}

TEST_CASE("updates keep the other labs' records, and a broken file is replaced", "[progress]") {
  temp_dir d;
  const fs::path file = d.path / "build" / "progress.json";
  update_progress(file, [](progress& p) { p.labs["01"].parts["gpu"] = part("passing", 0, 7, "h1"); });
  update_progress(file, [](progress& p) { p.labs["02"].grade = grade_result{3, 4, "t", "h2"}; });
  std::string warning;
  progress p = load_progress(file, warning);
  CHECK(warning.empty());
  REQUIRE(p.labs.size() == 2);
  CHECK(p.labs["01"].parts["gpu"].total == 7);
  CHECK(p.labs["02"].grade->score == 3);
  CHECK_FALSE(fs::exists(file.string() + ".tmp-" + std::to_string(::getpid())));

  write(file, "{\"schema\": \"warpspeed-progress-1\", \"labs\": {\"01\": {\"check\": 7}}}");
  p = load_progress(file, warning);
  CHECK_FALSE(warning.empty());
  CHECK(p.labs.empty());
  update_progress(file, [](progress& q) { q.labs["03"].parts["cpu"] = part("failing", 1, 2, "h3"); });
  warning.clear();
  p = load_progress(file, warning);
  CHECK(warning.empty());
  CHECK(p.labs.size() == 1);
}
