/// @file grade_e2e.tests.cpp
/// @brief The grader graded: the reference solutions get full marks, every mutant in tests/grader/mutants loses
/// points for the right reason, hostile archives are rejected without writing anything, a packed submission grades
/// like the folder it came from, batch mode writes its summary, and performance is only graded where it may be.
///
/// Each case runs `./course grade` as a learner or an instructor would, against the real `grade` build
/// (build/grade; the first case configures and builds it). The cases share that build, so ctest runs them alone.
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

#include "e2e_support.hpp"
#include "tar_testing.hpp"
#include "workspace.hpp"

using namespace ws_e2e;

TEST_CASE("the reference solution of every lab gets full marks", "[grader][e2e]") {
  // Every lab the course has: a folder solutions/NN_name with a manifest (no list to keep by hand).
  std::vector<std::string> labs;
  for (const fs::directory_entry& e : fs::directory_iterator(k_root / "solutions")) {
    if (fs::is_regular_file(e.path() / "lab.json")) labs.push_back(e.path().filename().string().substr(0, 2));
  }
  std::sort(labs.begin(), labs.end());
  REQUIRE(labs.size() >= 4);
  for (const std::string& lab : labs) {
    DYNAMIC_SECTION("lab " << lab) {
      temp_dir dir;
      copy_solution(lab, dir.path);
      const graded g = course_grade(lab, {"--submission", dir.path.string()}, dir.path);
      INFO(g.output);
      CHECK(g.results["extra_data"]["verdict"] == "graded");
      CHECK(score(g.results) == max_score(g.results));
      CHECK(max_score(g.results) > 0);
      // No GPU here: performance points are not part of the score, and the report says so.
      if (manifest_of(lab).contains("performance")) {
        CHECK(g.results["extra_data"]["performance"] == "not graded (no GPU)");
        CHECK_FALSE(g.results.contains("leaderboard"));
      }
    }
  }
}

TEST_CASE("every mutant loses points on the tests it breaks, for a reason the learner can read", "[grader][e2e]") {
  std::vector<fs::path> mutants;
  for (const fs::directory_entry& e : fs::directory_iterator(k_root / "tests/grader/mutants")) {
    if (e.path().extension() == ".json") mutants.push_back(e.path());
  }
  std::sort(mutants.begin(), mutants.end());
  REQUIRE(mutants.size() >= 10);
  for (const fs::path& file : mutants) {
    DYNAMIC_SECTION(file.stem().string()) {
      const json m = json::parse(read_text(file));
      const std::string lab = m["lab"];
      temp_dir dir;
      copy_solution(lab, dir.path);
      const fs::path target = dir.path / m["file"].get<std::string>();
      std::string text = read_text(target);
      const std::string from = m["replace"];
      // A mutant whose text no longer exists in the solution would silently test nothing.
      REQUIRE(text.find(from) != std::string::npos);
      REQUIRE(text.find(from, text.find(from) + 1) == std::string::npos);
      text.replace(text.find(from), from.size(), m["with"].get<std::string>());
      if (m.contains("prepend")) text = m["prepend"].get<std::string>() + text;  // an #include the bug needs
      write_text(target, text);

      std::vector<std::string> args{"--submission", dir.path.string()};
      const bool hangs = m.contains("reason_contains") && m["reason_contains"] == "did not finish within";
      if (hangs) {
        args.insert(args.end(), {"--time-limit", "8"});  // the hang is stopped sooner than the lab's limit
      } else {
        // Only the tests the mutant must fail: the suite's time goes to what each mutant proves.
        std::string only;
        for (const json& name : m["must_fail"]) only += (only.empty() ? "" : "|") + name.get<std::string>();
        args.insert(args.end(), {"--only", only});
      }
      const graded g = course_grade(lab, args, dir.path);
      INFO(m["bug"].get<std::string>() << "\n" << g.output);
      CHECK(g.results["extra_data"]["verdict"] == "graded");
      CHECK(score(g.results) < max_score(g.results));
      for (const json& name : m["must_fail"]) {
        const json& t = test_named(g.results, name);
        CHECK(t["status"] == "failed");
        CHECK(t["score"].get<double>() == 0);
        if (m.contains("reason_contains")) {
          CHECK_THAT(t["output"].get<std::string>(), Catch::Matchers::Contains(m["reason_contains"].get<std::string>()));
        }
      }
      // A hang costs the tests that hang, not the others: the CPU tests still pass.
      if (m.contains("reason_contains") && m["reason_contains"] == "did not finish within") {
        CHECK(test_named(g.results, "the CPU reference adds and scales small vectors exactly")["status"] == "passed");
        CHECK(test_named(g.results, "vector add on the GPU matches the CPU reference on sizes around the block size")["status"] ==
              "passed");
      }
    }
  }
}

TEST_CASE("the starter gets a low score, and every failed test says why", "[grader][e2e]") {
  temp_dir dir;
  const std::string lab = "01";
  copy_starter(lab, dir.path);
  const graded g = course_grade(lab, {"--submission", dir.path.string()}, dir.path);
  INFO(g.output);
  CHECK(score(g.results) <= max_score(g.results) / 2);
  for (const json& t : g.results["tests"]) {
    if (t["status"] == "failed") CHECK_FALSE(t["output"].get<std::string>().empty());
  }
  // The table shows each failure's reason under it.
  CHECK_THAT(g.output, Catch::Matchers::Contains("FAILED") && Catch::Matchers::Contains("-> "));
}

TEST_CASE("a submission that does not compile scores zero with the compiler's first error", "[grader][e2e]") {
  temp_dir dir;
  copy_solution("01", dir.path);
  std::string text = read_text(dir.path / "vector_add.cu");
  text.replace(text.find("c[i] = a[i] + b[i];"), 19, "c[i] = a[i] + b[i]");
  write_text(dir.path / "vector_add.cu", text);
  const graded g = course_grade("01", {"--submission", dir.path.string()}, dir.path);
  CHECK(g.results["extra_data"]["verdict"] == "build failed");
  CHECK(score(g.results) == 0);
  CHECK_THAT(g.results["output"].get<std::string>(), Catch::Matchers::Contains("vector_add.cu:") &&
                                                         Catch::Matchers::Contains("error"));
}

TEST_CASE("a packed submission grades exactly like the folder it was packed from", "[grader][e2e]") {
  temp_dir dir;
  const fs::path folder = dir.path / "mine";
  fs::create_directories(folder);
  copy_solution("03", folder);
  // A wrong tiled kernel, so the score is neither zero nor full.
  std::string text = read_text(folder / "matmul_gpu.cu");
  const std::string sync = "    b_tile[ty][tx] = (t + ty < k && col < n) ? b[(t + ty) * n + col] : 0.0f;\n    __syncthreads();";
  text.replace(text.find(sync), sync.size(), "    b_tile[ty][tx] = (t + ty < k && col < n) ? b[(t + ty) * n + col] : 0.0f;");
  write_text(folder / "matmul_gpu.cu", text);
  const fs::path grade_tool = k_root / "build/grade/tools/grader/ws_grade";
  const graded from_folder = course_grade("03", {"--submission", folder.string()}, dir.path);
  REQUIRE(fs::exists(grade_tool));  // built by the grading above

  const ws_grade::run_result pack = ws_grade::run_trusted(
      {grade_tool.string(), "pack", "--root", k_root.string(), "--build", (k_root / "build/grade").string(), "--lab",
       lab_folder("03").string(), "--from", folder.string(), "--out-dir", (dir.path / "out").string()},
      {.wall_seconds = 600}, dir.path);
  INFO(pack.output);
  REQUIRE(pack.exit_code == 0);
  std::vector<fs::path> archives;
  for (const fs::directory_entry& e : fs::directory_iterator(dir.path / "out")) archives.push_back(e.path());
  REQUIRE(archives.size() == 1);
  const graded from_archive = course_grade("03", {"--submission", archives[0].string()}, dir.path);
  CHECK(score(from_archive.results) == score(from_folder.results));
  CHECK(score(from_archive.results) > 0);
  CHECK(score(from_archive.results) < max_score(from_archive.results));
  CHECK(from_archive.results["tests"].size() == from_folder.results["tests"].size());
}

TEST_CASE("hostile archives are rejected with a reason, and nothing is written outside the scratch folder",
          "[grader][e2e]") {
  temp_dir dir;
  const fs::path inbox = dir.path / "inbox" / "deeper";
  fs::create_directories(inbox);
  const std::string good = read_text(k_root / "solutions" / lab_folder("01") / "vector_add.cu");
  const std::string cpu = read_text(k_root / "solutions" / lab_folder("01") / "vector_add_cpu.cpp");
  using ws_test::tar_entry;
  const std::map<std::string, std::vector<tar_entry>> hostile{
      {"dotdot", {tar_entry("../x", good), tar_entry("vector_add.cu", good), tar_entry("vector_add_cpu.cpp", cpu)}},
      {"symlink", {tar_entry("vector_add.cu", "", '2').linking_to("/etc/passwd"), tar_entry("vector_add_cpu.cpp", cpu)}},
      {"absolute",
       {tar_entry("/tmp/ws-grade-e2e-absolute", good), tar_entry("vector_add.cu", good),
        tar_entry("vector_add_cpu.cpp", cpu)}},
      // The header says 1 GB; the bytes are not there. The grader must refuse from the header alone.
      {"huge", {tar_entry("vector_add.cu").declaring(1ull << 30), tar_entry("vector_add_cpu.cpp", cpu)}},
  };
  const fs::path graded_tree = ws_grade::workspace_for(k_root / "build/grade").build / "graded";
  const std::vector<std::string> graded_before = listing(graded_tree);
  for (const auto& [name, entries] : hostile) {
    DYNAMIC_SECTION(name) {
      const fs::path archive = inbox / (name + ".tar.gz");
      write_text(archive, ws_test::gzip_of(ws_test::tar_of(entries)));
      const graded g = course_grade("01", {"--submission", archive.string()}, dir.path);
      INFO(g.output);
      CHECK(g.results["extra_data"]["verdict"] == "rejected");
      CHECK(score(g.results) == 0);
      CHECK_FALSE(g.results["extra_data"]["reason"].get<std::string>().empty());
      CHECK_FALSE(fs::exists(inbox.parent_path() / "x"));
      CHECK_FALSE(fs::exists(dir.path / "x"));
      CHECK_FALSE(fs::exists("/tmp/ws-grade-e2e-absolute"));
      CHECK(listing(graded_tree) == graded_before);
    }
  }
}

TEST_CASE("batch grading writes one results file per submission and a CSV summary", "[grader][e2e]") {
  temp_dir dir;
  const fs::path inbox = dir.path / "inbox";
  fs::create_directories(inbox);
  const std::string cu = read_text(k_root / "solutions" / lab_folder("01") / "vector_add.cu");
  const std::string cpu = read_text(k_root / "solutions" / lab_folder("01") / "vector_add_cpu.cpp");
  std::string zeros = cu;
  zeros.replace(zeros.find("    c[i] = a[i] + b[i];"), 23, "    c[i] = 0.0f;");
  using ws_test::tar_entry;
  write_text(inbox / "alice.tar.gz",
             ws_test::gzip_of(ws_test::tar_of({tar_entry("vector_add.cu", cu), tar_entry("vector_add_cpu.cpp", cpu)})));
  write_text(inbox / "bob.tar.gz",
             ws_test::gzip_of(ws_test::tar_of({tar_entry("vector_add.cu", zeros), tar_entry("vector_add_cpu.cpp", cpu)})));
  write_text(inbox / "mallory.tar.gz", ws_test::gzip_of(ws_test::tar_of({tar_entry("../../evil", cu)})));
  write_text(inbox / "notes.txt", "not a submission");

  std::vector<std::string> argv{(k_root / "course").string(), "grade", "01", "--batch", inbox.string(), "--out-dir",
                                (dir.path / "results").string(), "--gpu", "no"};
  ws_grade::run_limits limits;
  limits.wall_seconds = 900;
  limits.cpu_seconds = 1800;
  limits.memory_bytes = 16ull << 30;
  const ws_grade::run_result r = ws_grade::run_trusted(argv, limits, dir.path);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  for (const std::string who : {"alice", "bob", "mallory"}) CHECK(fs::exists(dir.path / "results" / (who + ".results.json")));
  const json alice = json::parse(read_text(dir.path / "results/alice.results.json"));
  const json bob = json::parse(read_text(dir.path / "results/bob.results.json"));
  const json mallory = json::parse(read_text(dir.path / "results/mallory.results.json"));
  CHECK(score(alice) == max_score(alice));
  CHECK(score(bob) < max_score(bob));
  CHECK(mallory["extra_data"]["verdict"] == "rejected");
  const std::string csv = read_text(dir.path / "results/summary.csv");
  std::istringstream lines(csv);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  REQUIRE(rows.size() == 4);  // header + 3 submissions; notes.txt is not one
  CHECK(rows[0].starts_with("submission,verdict,score,max_score,"));
  CHECK(rows[1].starts_with("\"alice.tar.gz\",\"graded\","));
  CHECK(rows[3].starts_with("\"mallory.tar.gz\",\"rejected\",0,"));
  CHECK_FALSE(fs::exists(dir.path / "evil"));
}

TEST_CASE("performance points are graded against the reference in the same run (test mode on the CPU backend)",
          "[grader][e2e]") {
  temp_dir dir;
  copy_solution("03", dir.path);
  const graded g = course_grade("03", {"--submission", dir.path.string(), "--perf-on-cpu-backend"}, dir.path);
  INFO(g.output);
  CHECK_THAT(g.results["extra_data"]["performance"].get<std::string>(), Catch::Matchers::Contains("TEST MODE"));
  REQUIRE(g.results.contains("leaderboard"));
  CHECK(g.results["leaderboard"].size() == manifest_of("03")["performance"]["cases"].size());
  // The reference against itself: within noise of 1x, far from the 10x that earns nothing.
  for (const json& t : g.results["tests"]) {
    if (t["name"].get<std::string>().starts_with("performance: ")) CHECK(t["score"].get<double>() > 0);
  }
  const json manifest = manifest_of("03");
  double all_points = 0;
  for (const json& t : manifest["tests"]) all_points += t["points"].get<double>();
  for (const json& c : manifest["performance"]["cases"]) all_points += c["points"].get<double>();
  CHECK(max_score(g.results) == all_points);
}

TEST_CASE("a launcher that skips work only at the timed size earns no speed points", "[grader][e2e]") {
  // Every correctness test passes (none uses 64 x 64 x 64), but the performance driver's sample of the output (at
  // places the grader draws anew for every grading) differs from the reference's.
  temp_dir dir;
  copy_solution("03", dir.path);
  std::string text = read_text(dir.path / "matmul_gpu.cu");
  const std::string start = "void launch_matmul_tiled(const float* a, const float* b, float* c, int m, int n, int k) {\n";
  REQUIRE(text.find(start) != std::string::npos);
  text.insert(text.find(start) + start.size(), "  if (m == 64 && n == 64 && k == 64) return;\n");
  write_text(dir.path / "matmul_gpu.cu", text);
  const graded g = course_grade("03", {"--submission", dir.path.string(), "--perf-on-cpu-backend"}, dir.path);
  INFO(g.output);
  for (const json& t : g.results["tests"]) {
    const std::string name = t["name"];
    if (name == "performance: tiled 2048") {
      CHECK(t["score"].get<double>() == 0);
      CHECK_THAT(t["output"].get<std::string>(), Catch::Matchers::Contains("differs from the reference"));
    } else if (!name.starts_with("performance: ")) {
      CHECK(t["status"] == "passed");
    }
  }
}
