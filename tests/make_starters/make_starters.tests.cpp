/// @file make_starters.tests.cpp
/// @brief make_starters on whole course trees in temp folders: writing, learner safety, --check, --lab, the CLI.
#include "make_starters.h"
#include "record.h"
#include "temp_tree.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

using namespace ws::make_starters;
using namespace ws::make_starters::testing;
namespace fs = std::filesystem;

namespace {

const std::string k_solution =
    "/// @file vector_add.cu\n"
    "__global__ void vector_add_kernel(const float* a, const float* b, float* c, int n) {\n"
    "    // BEGIN SOLUTION: compute this thread's global index\n"
    "    int i = blockIdx.x * blockDim.x + threadIdx.x;\n"
    "    // STARTER: int i = 0;\n"
    "    // END SOLUTION\n"
    "    if (i < n) c[i] = a[i] + b[i];\n"
    "}\n";

const std::string k_starter =
    "/// @file vector_add.cu\n"
    "__global__ void vector_add_kernel(const float* a, const float* b, float* c, int n) {\n"
    "    // TODO(lab01): compute this thread's global index\n"
    "    int i = 0;\n"
    "    if (i < n) c[i] = a[i] + b[i];\n"
    "}\n";

const std::string k_cu = "labs/01_vector_add/vector_add.cu";
const std::string k_refusal =
    "labs/01_vector_add/vector_add.cu: you have changed this file; not overwriting it (run with --force to replace "
    "it; a backup will be kept)";

/// A course with one lab: a kernel with a region and a README without one.
void add_lab01(const temp_tree& t) {
  t.write("solutions/01_vector_add/vector_add.cu", k_solution);
  t.write("solutions/01_vector_add/README.md", "# Vector add\nNo regions here.");
}

std::vector<std::string> backups_of(const temp_tree& t, const std::string& rel) {
  std::vector<std::string> result;
  const auto name = fs::path(rel).filename().string() + ".backup-";
  for (const auto& f : t.files(fs::path(rel).parent_path().string())) {
    if (f.starts_with(name)) result.push_back(f);
  }
  return result;
}

}  // namespace

TEST_CASE("a first run writes every starter and records its hash", "[make_starters][tree]") {
  temp_tree t;
  add_lab01(t);
  const auto r = run_tool(t);
  INFO(r.out << r.err);
  REQUIRE(r.code == exit_ok);
  CHECK(t.read(k_cu) == k_starter);
  CHECK(t.read("labs/01_vector_add/README.md") == "# Vector add\nNo regions here.");
  CHECK(t.read("labs/.starters") == hash_hex("# Vector add\nNo regions here.") + "  01_vector_add/README.md\n" +
                                        hash_hex(k_starter) + "  01_vector_add/vector_add.cu\n");
  CHECK(t.files("labs") == std::vector<std::string>{".starters", "01_vector_add/README.md",
                                                     "01_vector_add/vector_add.cu"});  // no temp files left
}

TEST_CASE("a second run with nothing changed writes nothing and says labs/ is up to date", "[make_starters][tree]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  const auto record_before = t.read("labs/.starters");
  const auto time_before = fs::last_write_time(t.path(k_cu));
  const auto r = run_tool(t);
  CHECK(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Matchers::Contains("labs/ is up to date (2 files)"));
  CHECK(t.read("labs/.starters") == record_before);
  CHECK(fs::last_write_time(t.path(k_cu)) == time_before);
}

TEST_CASE("files in subfolders and files without regions are copied byte for byte", "[make_starters][tree]") {
  temp_tree t;
  const std::string crlf_no_newline = "a\r\nb\r\nc";
  const std::string binary("\x89PNG\0\x01// BEGIN SOLUTION\n", 25);
  t.write("solutions/02_reduce/include/reduce.h", crlf_no_newline);
  t.write("solutions/02_reduce/data/pic.png", binary);
  REQUIRE(run_tool(t).code == exit_ok);
  CHECK(t.read("labs/02_reduce/include/reduce.h") == crlf_no_newline);
  CHECK(t.read("labs/02_reduce/data/pic.png") == binary);
}

TEST_CASE("files listed in .starter-ignore never reach labs/, nor does .starter-ignore itself",
          "[make_starters][tree]") {
  temp_tree t;
  add_lab01(t);
  t.write("solutions/01_vector_add/.starter-ignore", "# solution notes\nNOTES.md\nanswers/\n");
  t.write("solutions/01_vector_add/NOTES.md", "why the solution works");
  t.write("solutions/01_vector_add/answers/q1.md", "42");
  REQUIRE(run_tool(t).code == exit_ok);
  CHECK(t.files("labs/01_vector_add") == std::vector<std::string>{"README.md", "vector_add.cu"});

  SECTION("and --check does not ask for them") { CHECK(run_tool(t, {"--check"}).code == exit_ok); }
}

TEST_CASE("a solution file's executable bit carries over to its starter", "[make_starters][tree]") {
  temp_tree t;
  t.write("solutions/01_vector_add/run.sh", "#!/bin/sh\n# BEGIN SOLUTION\necho done\n# END SOLUTION\n");
  t.write("solutions/01_vector_add/plain.txt", "text\n");
  fs::permissions(t.path("solutions/01_vector_add/run.sh"), fs::perms::owner_exec, fs::perm_options::add);
  REQUIRE(run_tool(t).code == exit_ok);
  const auto exec = [&](const std::string& rel) {
    return (fs::status(t.path(rel)).permissions() & fs::perms::owner_exec) != fs::perms::none;
  };
  CHECK(exec("labs/01_vector_add/run.sh"));
  CHECK_FALSE(exec("labs/01_vector_add/plain.txt"));
  CHECK(t.read("labs/01_vector_add/run.sh") == "#!/bin/sh\n# TODO(lab01): your code here\n");

  SECTION("and a changed bit alone is fixed on the next run and seen by --check") {
    fs::permissions(t.path("solutions/01_vector_add/plain.txt"), fs::perms::owner_exec, fs::perm_options::add);
    const auto c = run_tool(t, {"--check"});
    CHECK(c.code == exit_failed);
    CHECK_THAT(c.err, Catch::Matchers::Contains("labs/01_vector_add/plain.txt: executable bit differs"));
    REQUIRE(run_tool(t).code == exit_ok);
    CHECK(exec("labs/01_vector_add/plain.txt"));
  }
}

TEST_CASE("a malformed region anywhere is reported as file:line and nothing is written", "[make_starters][tree]") {
  temp_tree t;
  add_lab01(t);
  t.write("solutions/02_reduce/reduce.cu", "ok\n// BEGIN SOLUTION\nx\n");
  const auto r = run_tool(t);
  CHECK(r.code == exit_error);
  CHECK_THAT(r.err, Catch::Matchers::Contains(
                        "solutions/02_reduce/reduce.cu:2: BEGIN SOLUTION is never closed by END SOLUTION"));
  CHECK_THAT(r.err, Catch::Matchers::Contains("nothing written"));
  CHECK_FALSE(t.exists("labs"));

  SECTION("--check reports it the same way") {
    const auto c = run_tool(t, {"--check"});
    CHECK(c.code == exit_error);
    CHECK_THAT(c.err, Catch::Matchers::Contains("solutions/02_reduce/reduce.cu:2: "));
  }
}

TEST_CASE("a starter the learner never touched is regenerated when its solution changes", "[make_starters][safety]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  t.write("solutions/01_vector_add/vector_add.cu", k_solution + "// a new line\n");
  const auto r = run_tool(t);
  CHECK(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Matchers::Contains("update " + k_cu));
  CHECK(t.read(k_cu) == k_starter + "// a new line\n");
  CHECK_THAT(t.read("labs/.starters"), Catch::Matchers::Contains(hash_hex(k_starter + "// a new line\n")));
  CHECK(backups_of(t, k_cu).empty());
}

TEST_CASE("a file the learner changed is refused and left untouched; the rest is still done and the run fails",
          "[make_starters][safety]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  const std::string learner = k_starter + "// my attempt\n";
  t.write(k_cu, learner);
  t.write("solutions/01_vector_add/vector_add.cu", k_solution + "// changed upstream\n");
  t.write("solutions/01_vector_add/README.md", "# Vector add, revised\n");
  const auto record_before = t.read("labs/.starters");

  const auto r = run_tool(t);
  CHECK(r.code == exit_failed);
  CHECK_THAT(r.err, Catch::Matchers::Contains(k_refusal));
  CHECK(t.read(k_cu) == learner);
  CHECK(t.read("labs/01_vector_add/README.md") == "# Vector add, revised\n");  // processed after the refusal
  CHECK(backups_of(t, k_cu).empty());
  // The record still holds the hash of the starter the learner began from, so the edit stays recognised.
  CHECK_THAT(t.read("labs/.starters"),
             Catch::Matchers::Contains(hash_hex(k_starter) + "  01_vector_add/vector_add.cu\n"));
  CHECK(t.read("labs/.starters") != record_before);

  SECTION("and it is refused again on the next run") {
    CHECK(run_tool(t).code == exit_failed);
    CHECK(t.read(k_cu) == learner);
  }
}

TEST_CASE("with --force the learner's file is backed up and the new starter written", "[make_starters][safety]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  const std::string learner = "my own kernel\n";
  t.write(k_cu, learner);

  const auto r = run_tool(t, {"--force"});
  INFO(r.out << r.err);
  CHECK(r.code == exit_ok);
  CHECK(t.read(k_cu) == k_starter);
  const auto backups = backups_of(t, k_cu);
  REQUIRE(backups.size() == 1);
  CHECK_THAT(backups[0], Catch::Matchers::Matches(R"(vector_add\.cu\.backup-[0-9]{8}-[0-9]{6})"));
  CHECK(t.read("labs/01_vector_add/" + backups[0]) == learner);
  CHECK_THAT(r.out, Catch::Matchers::Contains("labs/01_vector_add/" + backups[0]));
  CHECK(run_tool(t, {"--check"}).code == exit_ok);  // backups are not "extra" files
}

TEST_CASE("backups never overwrite an earlier backup", "[make_starters][safety]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  options opts;
  opts.force = true;
  opts.backup_stamp = "20240102-030405";
  t.write(k_cu, "first attempt\n");
  REQUIRE(run_with_options(t, opts).code == exit_ok);
  t.write(k_cu, "second attempt\n");
  REQUIRE(run_with_options(t, opts).code == exit_ok);
  CHECK(t.read(k_cu + ".backup-20240102-030405") == "first attempt\n");
  CHECK(t.read(k_cu + ".backup-20240102-030405-1") == "second attempt\n");
  CHECK(t.read(k_cu) == k_starter);
}

TEST_CASE("a labs/ file the record does not know counts as the learner's unless it already matches",
          "[make_starters][safety]") {
  temp_tree t;
  add_lab01(t);
  t.write(k_cu, "written by hand\n");
  t.write("labs/01_vector_add/README.md", "# Vector add\nNo regions here.");
  const auto r = run_tool(t);
  CHECK(r.code == exit_failed);
  CHECK_THAT(r.err, Catch::Matchers::Contains(k_refusal));
  CHECK(t.read(k_cu) == "written by hand\n");
  // The matching file is adopted into the record; the refused one is not.
  CHECK(t.read("labs/.starters") == hash_hex("# Vector add\nNo regions here.") + "  01_vector_add/README.md\n");
}

TEST_CASE("a stale starter the learner never touched is deleted, with the folders it leaves empty",
          "[make_starters][safety]") {
  temp_tree t;
  add_lab01(t);
  t.write("solutions/02_reduce/src/reduce.cu", "x\n");
  REQUIRE(run_tool(t).code == exit_ok);
  REQUIRE(t.exists("labs/02_reduce/src/reduce.cu"));
  fs::remove_all(t.path("solutions/02_reduce"));
  const auto r = run_tool(t);
  CHECK(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Matchers::Contains("delete labs/02_reduce/src/reduce.cu"));
  CHECK_FALSE(t.exists("labs/02_reduce"));
  CHECK_THAT(t.read("labs/.starters"), !Catch::Matchers::Contains("02_reduce"));
  CHECK(run_tool(t, {"--check"}).code == exit_ok);
}

TEST_CASE("a stale starter the learner changed is kept and the run fails; --force backs it up and deletes it",
          "[make_starters][safety]") {
  temp_tree t;
  add_lab01(t);
  t.write("solutions/01_vector_add/old.cu", "old\n");
  REQUIRE(run_tool(t).code == exit_ok);
  fs::remove(t.path("solutions/01_vector_add/old.cu"));
  t.write("labs/01_vector_add/old.cu", "old, with my changes\n");

  const auto r = run_tool(t);
  CHECK(r.code == exit_failed);
  CHECK_THAT(r.err, Catch::Matchers::Contains("labs/01_vector_add/old.cu: no longer generated from solutions/, but "
                                              "you have changed this file; not deleting it"));
  CHECK(t.read("labs/01_vector_add/old.cu") == "old, with my changes\n");
  CHECK_THAT(t.read("labs/.starters"), Catch::Matchers::Contains("01_vector_add/old.cu"));

  const auto f = run_tool(t, {"--force"});
  CHECK(f.code == exit_ok);
  CHECK_FALSE(t.exists("labs/01_vector_add/old.cu"));
  const auto backups = backups_of(t, "labs/01_vector_add/old.cu");
  REQUIRE(backups.size() == 1);
  CHECK(t.read("labs/01_vector_add/" + backups[0]) == "old, with my changes\n");
  CHECK_THAT(t.read("labs/.starters"), !Catch::Matchers::Contains("old.cu"));
}

TEST_CASE("--dry-run says what would change and writes nothing", "[make_starters][cli]") {
  temp_tree t;
  add_lab01(t);
  auto r = run_tool(t, {"--dry-run"});
  CHECK(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Matchers::Contains("would create " + k_cu));
  CHECK_FALSE(t.exists("labs"));

  REQUIRE(run_tool(t).code == exit_ok);
  t.write(k_cu, "mine\n");
  r = run_tool(t, {"--dry-run"});
  CHECK(r.code == exit_failed);  // the real run would refuse
  CHECK_THAT(r.err, Catch::Matchers::Contains(k_refusal));
  r = run_tool(t, {"--dry-run", "--force"});
  CHECK(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Matchers::Contains("would replace " + k_cu));
  CHECK(t.read(k_cu) == "mine\n");
  CHECK(backups_of(t, k_cu).empty());
}

TEST_CASE("--check passes on freshly generated labs/ and writes nothing", "[make_starters][check]") {
  temp_tree t;
  add_lab01(t);
  auto r = run_tool(t, {"--check"});
  CHECK(r.code == exit_failed);
  CHECK_FALSE(t.exists("labs"));
  REQUIRE(run_tool(t).code == exit_ok);
  r = run_tool(t, {"--check"});
  CHECK(r.code == exit_ok);
  CHECK_THAT(r.out, Catch::Matchers::Contains("labs/ is up to date with solutions/ (2 files)"));
  CHECK(r.err.empty());
}

TEST_CASE("--check on an empty course with no labs/ passes", "[make_starters][check]") {
  temp_tree t;
  CHECK(run_tool(t, {"--check"}).code == exit_ok);
}

TEST_CASE("--check fails on a stale file and shows the first differing line from both sides",
          "[make_starters][check]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  t.write("solutions/01_vector_add/vector_add.cu", [] {
    auto s = k_solution;
    s.replace(s.find("// STARTER: int i = 0;"), 22, "// STARTER: int i = -1;");
    return s;
  }());
  const auto r = run_tool(t, {"--check"});
  CHECK(r.code == exit_failed);
  CHECK_THAT(r.err, Catch::Matchers::Contains(k_cu + ": differs from what solutions/ generates; first difference "
                                                     "at line 4:\n      labs/:         int i = 0;\n"
                                                     "      generated:     int i = -1;"));
  CHECK_THAT(r.err, Catch::Matchers::Contains("labs/.starters: has an old hash for 01_vector_add/vector_add.cu"));
  CHECK_THAT(r.err, Catch::Matchers::EndsWith(
                        "labs/ is out of date with solutions/: run tools/make_starters (or ./course starters)\n"));
}

TEST_CASE("--check fails on a file the learner edited", "[make_starters][check]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  t.write(k_cu, k_starter + "extra line\n");
  const auto r = run_tool(t, {"--check"});
  CHECK(r.code == exit_failed);
  CHECK_THAT(r.err, Catch::Matchers::Contains("first difference at line 7: labs/ has more lines:\n      extra line"));
}

TEST_CASE("--check fails on a missing file", "[make_starters][check]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  t.write("solutions/01_vector_add/new.h", "// new\n");
  const auto r = run_tool(t, {"--check"});
  CHECK(r.code == exit_failed);
  CHECK_THAT(r.err, Catch::Matchers::Contains("labs/01_vector_add/new.h: missing"));
  CHECK_THAT(r.err, Catch::Matchers::Contains("labs/.starters: does not list 01_vector_add/new.h"));
}

TEST_CASE("--check fails on an extra file in a lab folder and on a lab that no longer exists",
          "[make_starters][check]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  t.write("labs/01_vector_add/hand_made.cu", "x\n");
  t.write("labs/09_gone/a.cu", "y\n");
  t.write("labs/README.md", "files beside the lab folders are not the tool's business\n");
  const auto r = run_tool(t, {"--check"});
  CHECK(r.code == exit_failed);
  CHECK_THAT(r.err, Catch::Matchers::Contains("labs/01_vector_add/hand_made.cu: extra (not generated from solutions/)"));
  CHECK_THAT(r.err, Catch::Matchers::Contains("labs/09_gone/a.cu: extra"));
  CHECK_THAT(r.err, !Catch::Matchers::Contains("labs/README.md"));
}

TEST_CASE("--check fails when the record is missing or out of date", "[make_starters][check]") {
  temp_tree t;
  add_lab01(t);
  REQUIRE(run_tool(t).code == exit_ok);
  SECTION("missing") {
    fs::remove(t.path("labs/.starters"));
    const auto r = run_tool(t, {"--check"});
    CHECK(r.code == exit_failed);
    CHECK_THAT(r.err, Catch::Matchers::Contains("labs/.starters: missing"));
  }
  SECTION("listing a file that is no longer generated") {
    t.write("labs/.starters", t.read("labs/.starters") + hash_hex("x") + "  01_vector_add/zz_old.cu\n");
    const auto r = run_tool(t, {"--check"});
    CHECK(r.code == exit_failed);
    CHECK_THAT(r.err, Catch::Matchers::Contains(
                          "labs/.starters: lists 01_vector_add/zz_old.cu, which solutions/ no longer generates"));
  }
  SECTION("malformed") {
    t.write("labs/.starters", "garbage\n");
    const auto r = run_tool(t, {"--check"});
    CHECK(r.code == exit_error);
    CHECK_THAT(r.err, Catch::Matchers::Contains("labs/.starters:1: malformed line"));
  }
}

TEST_CASE("--lab limits a run to one lab and leaves the others and their record lines alone", "[make_starters][cli]") {
  temp_tree t;
  add_lab01(t);
  t.write("solutions/02_reduce/reduce.cu", "// BEGIN SOLUTION\nsum();\n// END SOLUTION\n");
  const auto lab = GENERATE(as<std::string>{}, "02", "2", "lab02", "02_reduce", "--lab=02");
  const std::vector<std::string> args = lab.starts_with("--") ? std::vector<std::string>{lab}
                                                              : std::vector<std::string>{"--lab", lab};
  const auto r = run_tool(t, args);
  INFO(lab << "\n" << r.out << r.err);
  CHECK(r.code == exit_ok);
  CHECK(t.files("labs") == std::vector<std::string>{".starters", "02_reduce/reduce.cu"});
  CHECK(run_tool(t, {"--check", "--lab", "02"}).code == exit_ok);
  CHECK(run_tool(t, {"--check"}).code == exit_failed);  // lab 01 is still missing

  REQUIRE(run_tool(t, {"--lab", "1"}).code == exit_ok);
  CHECK(run_tool(t, {"--check"}).code == exit_ok);  // both labs' record lines are there
}

TEST_CASE("usage errors and a missing solutions/ folder exit with code 2 and say why", "[make_starters][cli]") {
  temp_tree t;
  add_lab01(t);
  struct bad_case {
    std::vector<std::string> args;
    std::string error;
  };
  const auto c = GENERATE(values<bad_case>({
      {{"--bogus"}, "unknown argument '--bogus'"},
      {{"extra"}, "unknown argument 'extra'"},
      {{"--lab"}, "--lab needs a lab number"},
      {{"--check", "--force"}, "cannot be combined"},
      {{"--check", "--dry-run"}, "cannot be combined"},
      {{"--lab", "07"}, "no lab '07' in solutions/"},
  }));
  const auto r = run_tool(t, c.args);
  CHECK(r.code == exit_error);
  CHECK_THAT(r.err, Catch::Matchers::Contains(c.error));
  CHECK_FALSE(t.exists("labs"));

  std::ostringstream out, err;
  const std::vector<std::string> no_root{"--root", (t.root() / "nowhere").string()};
  CHECK(run_cli(no_root, out, err) == exit_error);
  CHECK_THAT(err.str(), Catch::Matchers::Contains("solutions: no such folder (run from the course root, or pass "
                                                  "--root DIR)"));
}

TEST_CASE("--help prints the usage and exits with 0", "[make_starters][cli]") {
  std::ostringstream out, err;
  const std::vector<std::string> args{"--help"};
  CHECK(run_cli(args, out, err) == exit_ok);
  CHECK_THAT(out.str(), Catch::Matchers::StartsWith(
                            "usage: make_starters [--root DIR] [--check] [--force] [--lab NN] [--dry-run]"));
}

TEST_CASE("an unreadable solution file is a clear error and nothing is written", "[make_starters][tree]") {
  temp_tree t;
  add_lab01(t);
  t.write("solutions/01_vector_add/secret.cu", "x\n");
  fs::permissions(t.path("solutions/01_vector_add/secret.cu"), fs::perms::none);
  if (std::FILE* f = std::fopen(t.path("solutions/01_vector_add/secret.cu").c_str(), "rb")) {
    std::fclose(f);  // running as root: permissions do not stop reads, so there is nothing to test
    SUCCEED("skipped: file permissions are not enforced for this user");
    return;
  }
  const auto r = run_tool(t);
  CHECK(r.code == exit_error);
  CHECK_THAT(r.err, Catch::Matchers::Contains("solutions/01_vector_add/secret.cu: cannot read: Permission denied"));
  CHECK_FALSE(t.exists("labs"));
}
