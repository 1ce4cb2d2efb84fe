/// @file batch.tests.cpp
/// @brief `ws_grade batch` grades each submission in its own process: when one grading crashes, that row says
/// "grader error" with the signal and the batch goes on.
///
/// The crash comes from ws_grade's test hook WS_GRADE_TEST_CRASH_ON=<archive name> (tools/grader/main.cpp), which
/// makes that submission's grading process abort. The archives are not gzip data, so the other gradings reject them
/// before anything is built: this test needs no `grade` build and takes well under a second.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string templ = (fs::temp_directory_path() / "ws-grade-batch-XXXXXX").string();
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

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("a grading that crashes is its row's grader error with the signal, and the batch goes on", "[batch]") {
  temp_dir dir;
  const fs::path build = dir.path / "build";
  fs::create_directories(build / "graded" / "01_vector_add");  // what the grader checks for before reading
  const fs::path inbox = dir.path / "inbox";
  fs::create_directories(inbox);
  for (const char* name : {"alice.tar.gz", "bob.tar.gz", "carol.tar.gz"}) {
    std::ofstream(inbox / name) << "not gzip data\n";
  }
  const fs::path out = dir.path / "out";
  const std::string command = "WS_GRADE_TEST_CRASH_ON=bob.tar.gz '" WS_GRADE_EXE "' batch --root '" WS_SOURCE_DIR
                              "' --build '" + build.string() + "' --lab 01_vector_add --submissions '" +
                              inbox.string() + "' --out-dir '" + out.string() + "' --gpu no --no-bwrap > '" +
                              (dir.path / "log").string() + "' 2>&1";
  const int status = std::system(command.c_str());
  const std::string log = read_text(dir.path / "log");
  INFO(log);
  REQUIRE(status == 0);

  // The progress line of every submission, the crashed one included.
  CHECK_THAT(log, Contains("[1/3] alice.tar.gz") && Contains("[2/3] bob.tar.gz") && Contains("[3/3] carol.tar.gz"));
  const std::vector<std::string> rows = lines_of(read_text(out / "summary.csv"));
  REQUIRE(rows.size() == 4);  // the header and one row per submission
  CHECK_THAT(rows[2], Contains("bob.tar.gz") && Contains("grader error") && Contains("signal 6"));
  for (const std::size_t i : {1u, 3u}) {
    CHECK_THAT(rows[i], !Contains("grader error"));  // rejected: not gzip data
  }
  CHECK_THAT(read_text(out / "bob.results.json"), Contains("grader error"));
  CHECK(fs::exists(out / "alice.results.json"));
  CHECK(fs::exists(out / "carol.results.json"));
}
