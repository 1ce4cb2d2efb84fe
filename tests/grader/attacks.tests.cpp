/// @file attacks.tests.cpp
/// @brief The grader attacked as a hostile learner would (issue 11's findings, each rebuilt from its description):
/// every attack scores exactly what the honest starter scores, or is refused with its reason, and nothing secret
/// reaches its results.
///
/// Each attack is the lab 01 starter plus hostile code in vector_add_cpu.cpp (plain C++, so static initializers,
/// destructors and `asm` work as they would in any learner file). The forgeries forge only the tests the honest
/// starter fails, the strongest form: the tests it passes honestly still pass, so any point above the starter's
/// score would be a forged one. Side effects stay in each case's temp folder.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "e2e_support.hpp"
#include "grade.hpp"
#include "tar_testing.hpp"
#include "workspace.hpp"

using namespace ws_e2e;

namespace {

const std::string k_lab = "01";

/// The honest starter's grade: its score, and the tests it passes (graded once).
struct honest_grade {
  double score = 0;
  std::set<std::string> passed;
};

const honest_grade& honest() {
  static const honest_grade h = [] {
    temp_dir dir;
    copy_starter(k_lab, dir.path);
    const graded g = course_grade(k_lab, {"--submission", dir.path.string()}, dir.path);
    honest_grade out;
    out.score = score(g.results);
    for (const json& t : g.results["tests"]) {
      if (t["status"] == "passed") out.passed.insert(t["name"].get<std::string>());
    }
    return out;
  }();
  return h;
}

std::string c_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// C++ that decides, from the test spec on its own command line, whether this run is a test the honest starter
/// fails: `bool ws_attack_forge()`.
std::string forge_decision() {
  std::string honest_specs;
  for (const std::string& name : honest().passed) honest_specs += "    " + c_string(ws_grade::catch2_test_spec(name)) + ",\n";
  return R"(
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include <unistd.h>
static bool ws_attack_forge() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const char* const honest[] = {
)" + honest_specs + R"(    nullptr};
  for (const char* const* h = honest; *h != nullptr; ++h) {
    if (all.find(std::string(1, '\0') + *h + std::string(1, '\0')) != std::string::npos) return false;
  }
  return all.find("--list") == std::string::npos;
}
static void ws_attack_claim_passed() {
  // What Catch2 writes when the test passes: the grader reads the XML report named by --out on the command line, so
  // forge that (the test case named by the spec, unescaped), and print the compact reporter's line for good measure.
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (std::size_t at = 0; at < all.size();) {
    const std::size_t end = all.find('\0', at);
    args.push_back(all.substr(at, end - at));
    at = end == std::string::npos ? all.size() : end + 1;
  }
  std::string name;
  for (std::size_t i = 0; args.size() > 1 && i < args[1].size(); ++i) {
    if (args[1][i] == '\\' && i + 1 < args[1].size()) ++i;
    const char c = args[1][i];
    name += c == '&' ? std::string("&amp;") : c == '<' ? std::string("&lt;") : c == '"' ? std::string("&quot;")
                                                                               : std::string(1, c);
  }
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "--out") continue;
    std::ofstream report(args[i + 1], std::ios::trunc);
    report << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Catch name=\"t\"><Group name=\"t\">"
           << "<TestCase name=\"" << name << "\"><OverallResult success=\"true\"/></TestCase>"
           << "<OverallResults successes=\"42\" failures=\"0\" expectedFailures=\"0\"/>"
           << "<OverallResultsCases successes=\"1\" failures=\"0\" expectedFailures=\"0\"/></Group></Catch>\n";
  }
  std::printf("Passed 1 test case with 42 assertions.\n");
  std::fflush(stdout);
  _exit(0);
}
)";
}

/// Grades the starter with `hostile` appended to vector_add_cpu.cpp; `extra` are more arguments.
graded grade_attack(const std::string& hostile, const fs::path& dir, std::vector<std::string> extra = {}) {
  copy_starter(k_lab, dir);
  const fs::path target = dir / "vector_add_cpu.cpp";
  write_text(target, read_text(target) + "\n// ---- the attack ----\n" + hostile);
  std::vector<std::string> args{"--submission", dir.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return course_grade(k_lab, args, dir);
}

/// The attack scored what the honest starter scores, test by test.
void check_scores_like_the_starter(const graded& g) {
  INFO(g.output);
  CHECK(g.results["extra_data"]["verdict"] == "graded");
  CHECK(score(g.results) == honest().score);
  for (const json& t : g.results["tests"]) {
    INFO(t["name"].get<std::string>() << ": " << t["output"].get<std::string>().substr(0, 400));
    CHECK((t["status"] == "passed") == honest().passed.contains(t["name"].get<std::string>()));
  }
}

/// The attack was refused at the build, with a reason.
void check_refused_at_build(const graded& g) {
  INFO(g.output);
  CHECK(g.results["extra_data"]["verdict"] == "build failed");
  CHECK(score(g.results) == 0);
  CHECK_FALSE(g.results["extra_data"]["reason"].get<std::string>().empty());
}

}  // namespace

TEST_CASE("a forged 'Passed' from a static initializer, a constructor or a destructor scores what the starter scores",
          "[grader][attack]") {
  REQUIRE(honest().passed.size() < manifest_of(k_lab)["tests"].size());  // there is something to forge
  const std::map<std::string, std::string> forgeries{
      {"static initializer", "static const bool ws_attack_done = (ws_attack_forge() ? ws_attack_claim_passed() : void(), true);\n"},
      {"__attribute__((constructor))",
       "__attribute__((constructor)) static void ws_attack_ctor() { if (ws_attack_forge()) ws_attack_claim_passed(); }\n"},
      {"global destructor",
       "struct ws_attack_at_exit { ~ws_attack_at_exit() { if (ws_attack_forge()) ws_attack_claim_passed(); } };\n"
       "static ws_attack_at_exit ws_attack_instance;\n"},
  };
  for (const auto& [name, code] : forgeries) {
    DYNAMIC_SECTION(name) {
      temp_dir dir;
      check_scores_like_the_starter(grade_attack(forge_decision() + code, dir.path));
    }
  }
}

TEST_CASE("a test that replaces the test binary for the tests after it changes nothing", "[grader][attack]") {
  temp_dir dir;
  const std::string hostile = R"(
#include <climits>
#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>
static bool ws_attack_replace() {
  char self[PATH_MAX] = {};
  if (readlink("/proc/self/exe", self, sizeof self - 1) <= 0) return false;
  const char script[] = "#!/bin/sh\necho 'Passed 1 test case with 1 assertion.'\nexit 0\n";
  for (const char* target : {static_cast<const char*>(self), "./lab01_graded_cudacpu_tests"}) {
    unlink(target);
    if (FILE* f = std::fopen(target, "w")) {
      std::fputs(script, f);
      std::fclose(f);
      chmod(target, 0755);
    }
  }
  return true;
}
static const bool ws_attack_replaced = ws_attack_replace();
)";
  check_scores_like_the_starter(grade_attack(hostile, dir.path));
}

TEST_CASE("overriding the tests' comparison helpers (ws::compare) earns nothing", "[grader][attack]") {
  temp_dir dir;
  const std::string hostile = R"(
#include <span>
#include <ws/compare.hpp>
namespace ws {
compare_report compare(std::span<const float> expected, std::span<const float>, tolerance) {
  compare_report r;
  r.count = expected.size();
  r.expected_size = expected.size();
  r.got_size = expected.size();
  return r;
}
}  // namespace ws
)";
  const graded g = grade_attack(hostile, dir.path);
  // Either the link refuses the second definition or the witnesses catch the forged checks.
  if (g.results["extra_data"]["verdict"] == "build failed") {
    check_refused_at_build(g);
  } else {
    check_scores_like_the_starter(g);
  }
}

TEST_CASE("the build cannot read the reference's binaries, the solutions, another checkout or a secret file",
          "[grader][attack]") {
  temp_dir dir;
  const fs::path secret_dir = dir.path / "elsewhere";
  fs::create_directories(secret_dir);
  write_text(secret_dir / "secret.h", "int ws_leaked_secret_value = 0; // SECRET-7c1e\n");
  fs::permissions(secret_dir / "secret.h", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const std::map<std::string, std::string> reads{
      {"the reference's test binary (.incbin)",
       "asm(\".section .rodata\\n.incbin \\\"" + (k_root / "build/grade/tests/lab01_solutions_cudacpu_tests").string() +
           "\\\"\\n.previous\");\n"},
      {"the solution's source", "#include \"" + (k_root / "solutions" / lab_folder(k_lab) / "vector_add.cu").string() + "\"\n"},
      {"a secret file elsewhere", "#include \"" + (secret_dir / "secret.h").string() + "\"\n"},
      {"/etc/shadow", "#include \"/etc/shadow\"\n"},
      // The starter was graded before (honest(), below): its binary must be gone from the workspace.
      {"the previous submission's binary (.incbin)",
       "asm(\".section .rodata\\n.incbin \\\"" +
           (ws_grade::workspace_for(k_root / "build/grade").build / "tests/lab01_graded_cudacpu_tests").string() +
           "\\\"\\n.previous\");\n"},
  };
  REQUIRE(honest().passed.size() < 100);  // a grading happened before
  // Without bubblewrap (Docker, Gradescope), the separate users and file permissions must keep the same files out.
  const std::vector<std::string> sandboxes = ::geteuid() == 0 ? std::vector<std::string>{"bubblewrap", "--no-bwrap"}
                                                              : std::vector<std::string>{"bubblewrap"};
  for (const std::string& sandbox : sandboxes) {
    for (const auto& [name, code] : reads) {
      DYNAMIC_SECTION(name << " (" << sandbox << ")") {
        temp_dir sub;
        std::vector<std::string> extra;
        if (sandbox == "--no-bwrap") extra.push_back(sandbox);
        const graded g = grade_attack(code, sub.path, extra);
        check_refused_at_build(g);
        CHECK_THAT(g.results.dump(), !Catch::Matchers::Contains("SECRET-7c1e") && !Catch::Matchers::Contains("root:"));
      }
    }
  }
}

TEST_CASE("a test cannot read the grader's environment, other submissions or the reference", "[grader][attack]") {
  temp_dir dir;
  const fs::path inbox = dir.path / "inbox";
  fs::create_directories(inbox);
  // Alice's honest submission, with a marker only she has.
  temp_dir alice;
  copy_solution(k_lab, alice.path);
  using ws_test::tar_entry;
  write_text(inbox / "alice.tar.gz",
             ws_test::gzip_of(ws_test::tar_of(
                 {tar_entry("vector_add.cu", read_text(alice.path / "vector_add.cu") + "\n// ALICE-MARKER-51f2\n"),
                  tar_entry("vector_add_cpu.cpp", read_text(alice.path / "vector_add_cpu.cpp"))})));
  // Eve prints whatever she can reach into her own results.
  const std::string spy = R"(
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
extern char** environ;
static void ws_attack_dump(const char* path) {
  std::ifstream in(path, std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::printf("%s: %zu bytes: %s\n", path, all.size(), all.substr(0, 2000).c_str());
}
static const bool ws_attack_spied = [] {
  for (char** e = environ; *e != nullptr; ++e) std::printf("env %s\n", *e);
  ws_attack_dump(")" + (inbox / "alice.tar.gz").string() + R"(");
  ws_attack_dump(")" + (k_root / "solutions" / lab_folder(k_lab) / "vector_add.cu").string() + R"(");
  ws_attack_dump(")" + (dir.path / "results" / "alice.results.json").string() + R"(");
  ws_attack_dump("/etc/shadow");
  return true;
}();
)";
  temp_dir eve;
  copy_starter(k_lab, eve.path);
  write_text(eve.path / "vector_add_cpu.cpp", read_text(eve.path / "vector_add_cpu.cpp") + spy);
  write_text(inbox / "eve.tar.gz", ws_test::gzip_of(ws_test::tar_of(
                                       {tar_entry("vector_add.cu", read_text(eve.path / "vector_add.cu")),
                                        tar_entry("vector_add_cpu.cpp", read_text(eve.path / "vector_add_cpu.cpp"))})));

  REQUIRE(::setenv("WS_SECRET_TOKEN", "token-9d04e1", 1) == 0);
  const ws_grade::run_result r =
      ws_grade::run_trusted({(k_root / "course").string(), "grade", k_lab, "--batch", inbox.string(), "--out-dir",
                             (dir.path / "results").string(), "--gpu", "no"},
                            {.wall_seconds = 900, .cpu_seconds = 1800, .memory_bytes = 16ull << 30}, dir.path);
  ::unsetenv("WS_SECRET_TOKEN");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string eve_results = read_text(dir.path / "results" / "eve.results.json");
  REQUIRE_FALSE(eve_results.empty());
  CHECK_THAT(eve_results, Catch::Matchers::Contains("env "));  // the spy ran and its output is there...
  CHECK_THAT(eve_results, !Catch::Matchers::Contains("token-9d04e1"));  // ...without the grader's environment
  CHECK_THAT(eve_results, !Catch::Matchers::Contains("ALICE-MARKER"));
  CHECK_THAT(eve_results, !Catch::Matchers::Contains("c[i] = a[i] + b[i]"));  // the solution's line
  CHECK_THAT(eve_results, !Catch::Matchers::Contains("root:"));
  CHECK(json::parse(eve_results)["score"].get<double>() == honest().score);
}

TEST_CASE("a 30,000-character sanitizer line in the output crashes nothing", "[grader][attack]") {
  temp_dir dir;
  const std::string hostile = forge_decision() + R"(
static const bool ws_attack_flood = [] {
  if (!ws_attack_forge()) return false;
  std::string line = "==1==ERROR: AddressSanitizer: ";
  line.append(30000, 'A');
  std::printf("%s\n%s\n", line.c_str(), std::string(30000, '=').c_str());
  std::fflush(stdout);
  return true;
}();
)";
  check_scores_like_the_starter(grade_attack(hostile, dir.path));
}

/// The tests the honest starter fails, in the manifest's order, as Catch2 specs: the ones an attack may spend.
std::vector<std::string> failing_specs() {
  std::vector<std::string> specs;
  const json manifest = manifest_of(k_lab);  // a range-for over a temporary's member would dangle
  for (const json& t : manifest["tests"]) {
    if (!honest().passed.contains(t["name"].get<std::string>())) {
      specs.push_back(ws_grade::catch2_test_spec(t["name"].get<std::string>()));
    }
  }
  return specs;
}

TEST_CASE("limits hold: memory, tmpfs and bytes written across many files", "[grader][attack]") {
  const std::vector<std::string> spend = failing_specs();
  REQUIRE(spend.size() >= 3);
  // The first failing test writes 3 GB into /dev/shm (memory, were it a tmpfs), the second 3 GB across 30 files in
  // its folder, the third touches 8 GB of memory. The honest tests are left alone.
  const std::string hostile = R"(
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>
static bool ws_attack_running(const char* spec) {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.find(std::string(1, '\0') + spec + std::string(1, '\0')) != std::string::npos;
}
static void ws_attack_fill(const std::string& prefix) {
  std::vector<char> block(1 << 20, 'x');
  for (int f = 0; f < 30; ++f) {
    const int fd = open((prefix + std::to_string(f)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return;
    for (int mb = 0; mb < 100; ++mb) {
      if (write(fd, block.data(), block.size()) <= 0) break;
    }
    close(fd);
  }
}
static const bool ws_attack_limits = [] {
  if (ws_attack_running()" + c_string(spend[0]) + R"()) ws_attack_fill("/dev/shm/ws-attack-");
  if (ws_attack_running()" + c_string(spend[1]) + R"()) ws_attack_fill("./ws-attack-");
  if (ws_attack_running()" + c_string(spend[2]) + R"()) {
    const std::size_t size = 8ull << 30;
    char* p = static_cast<char*>(std::malloc(size));
    for (std::size_t i = 0; p != nullptr && i < size; i += 4096) p[i] = 1;
  }
  return true;
}();
)";
  temp_dir dir;
  const graded g = grade_attack(hostile, dir.path);
  check_scores_like_the_starter(g);
  std::vector<std::string> reasons;
  const json manifest = manifest_of(k_lab);
  for (const json& t : manifest["tests"]) {
    if (!honest().passed.contains(t["name"].get<std::string>())) {
      reasons.push_back(test_named(g.results, t["name"].get<std::string>())["output"].get<std::string>());
    }
  }
  CHECK_THAT(reasons[0], Catch::Matchers::Contains("wrote more than"));
  CHECK_THAT(reasons[1], Catch::Matchers::Contains("wrote more than"));
  CHECK_THAT(reasons[2], Catch::Matchers::Contains("memory"));
}

TEST_CASE("a submission that sleeps through its tests is stopped by its time budget", "[grader][attack]") {
  const std::string hostile = forge_decision() + R"(
static const bool ws_attack_sleep = [] {
  if (ws_attack_forge()) sleep(8);
  return true;
}();
)";
  temp_dir dir;
  const graded g = grade_attack(hostile, dir.path, {"--time-budget", "20"});
  INFO(g.output);
  // It costs the attacker: the tests after the budget is spent do not run, the honest ones included.
  CHECK(score(g.results) <= honest().score);
  for (const json& t : g.results["tests"]) {
    if (t["status"] == "passed") CHECK(honest().passed.contains(t["name"].get<std::string>()));
  }
  CHECK_THAT(g.results.dump(), Catch::Matchers::Contains("time budget of 20 s"));
  CHECK(g.results["execution_time"].get<double>() < 200);
}

TEST_CASE("a compile-time bomb is stopped at the build's limits with a clear reason", "[grader][attack]") {
  const std::map<std::string, std::string> bombs{
      {"#include of /dev/zero", "#include \"/dev/zero\"\n"},
      {"a 4 GB constant", "#include <array>\nconstexpr std::array<char, (1ull << 32)> ws_attack_big{};\n"
                          "const char* ws_attack_use = ws_attack_big.data();\n"},
  };
  for (const auto& [name, code] : bombs) {
    DYNAMIC_SECTION(name) {
      temp_dir dir;
      const graded g = grade_attack(code, dir.path);
      check_refused_at_build(g);
      CHECK(g.results["execution_time"].get<double>() < 330);
    }
  }
}
