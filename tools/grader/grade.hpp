/// @file grade.hpp
/// @brief Grading one submission of one lab: read it safely, build it against the pristine tests in the `grade`
/// build, run each graded test case in the sandbox under its time limit, add performance points on a GPU, and report.
///
/// The steps, in order (docs/grading.md tells the whole story):
///  1. read the manifest's files from the submission (a .tar.gz from `./course submit`, or a folder), rejecting
///     anything hostile (archive.hpp);
///  2. write them into `<build>/graded/NN_name/` beside the pristine headers, under a lock (one grading at a time);
///  3. build the graded test binaries with ninja inside the sandbox (no network, nothing writable but the build);
///  4. copy the binaries to a scratch folder and run every test case of the manifest on its own, as an unprivileged
///     user inside the sandbox, under rlimits (sandbox.hpp): the CPU backend runs with its memory checker, a GPU
///     under compute-sanitizer when it is installed;
///  5. on a real GPU only, time the learner's performance cases against the reference solution's, in the same run.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "manifest.hpp"

namespace ws_grade {

/// Where a submission comes from.
struct submission_source {
  std::filesystem::path path;  ///< a .tar.gz, or a folder (the learner's labs/NN_name, a Gradescope upload)
  bool is_archive = false;     ///< true for a .tar.gz
};

/// How to grade.
struct grade_options {
  std::filesystem::path root;   ///< the course checkout (holds solutions/, the pristine manifests and headers)
  std::filesystem::path build;  ///< the `grade` preset's build folder
  std::string lab_folder;       ///< e.g. "01_vector_add"
  bool use_gpu = false;         ///< run [gpu] tests and performance on the GPU (the caller probed for one)
  bool perf_on_cpu_backend = false;  ///< the grader's own tests only: time performance cases on the CPU backend
  bool use_bwrap = true;        ///< sandbox with bubblewrap when it works here
  double time_limit_cap = 0;    ///< when > 0, no test runs longer than this (seconds), whatever the manifest says
  std::vector<std::string> only;  ///< when not empty, grade only these tests (the others are "not run"): a regrade of
                                  ///< one test, and the grader's own tests of mutants
  double time_budget = 0;       ///< when > 0, all tests of a submission together (seconds); else 5 times what the
                                ///< reference solution's tests take, at least 60 s
};

/// What happened to one graded test case.
struct test_outcome {
  std::string name;        ///< the test case
  std::string visibility;  ///< from the manifest
  double max_points = 0;   ///< from the manifest
  double points = 0;       ///< earned
  bool passed = false;
  std::string ran_on;      ///< "GPU", "CPU backend + memory checker", "CPU + memory checker"
  std::string reason;      ///< one line when it failed: the first failed check, the sanitizer's finding, the timeout
  std::string output;      ///< the run's (cut) output, for Gradescope's per-test output
  double seconds = 0;
};

/// One performance case.
struct perf_outcome {
  std::string name;
  double max_points = 0;
  double points = 0;
  double learner_ms = 0;    ///< 0 when not timed
  double reference_ms = 0;
  std::string note;         ///< why it earned nothing, when it did not run
};

/// The whole grade.
struct grade_report {
  std::string lab;             ///< "01"
  std::string title;
  std::string submission;      ///< what was graded, as given
  std::string verdict;         ///< "graded", "rejected" (unsafe or incomplete submission) or "build failed"
  std::string reason;          ///< for rejected / build failed: one readable line
  std::string details;         ///< for build failed: the compiler's first error, a few lines
  std::vector<test_outcome> tests;
  std::vector<perf_outcome> perf;
  std::string perf_status;     ///< "graded on <GPU>", "not graded (no GPU)", "none in this lab", ...
  bool perf_counted = false;   ///< performance points are part of max_score
  std::string sandbox;         ///< "bubblewrap + rlimits" or "rlimits only (...)"
  std::string manifest_sha256;
  std::vector<std::string> notes;  ///< ignored files, a submission made for another manifest, ...
  double score = 0;
  double max_score = 0;
  double seconds = 0;
};

/// Grades one submission. Never throws for anything the submission does; throws std::runtime_error only when the
/// grader itself cannot work (no manifest, no build folder). Progress goes to `log`, one line per step.
grade_report grade_submission(const grade_options& options, const submission_source& source, std::ostream& log);

/// Builds the learner's files of `source` (the manifest's files only) in the sandbox without running anything:
/// `./course submit` uses it to refuse a submission that does not compile. Returns "" when it builds, else the
/// compiler's first error (a few lines).
std::string build_only(const grade_options& options, const submission_source& source, std::ostream& log);

/// Escapes a test case name for a Catch2 v2 test spec (`\` before , [ ] " \ * ~), so the spec matches that name only.
std::string catch2_test_spec(const std::string& name);

/// Performance credit for a time ratio (learner / reference): 1 at <= 1.2, 0 at >= 10, linear between.
double perf_credit(double ratio);

}  // namespace ws_grade
