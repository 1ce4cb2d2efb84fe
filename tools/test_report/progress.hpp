/// @file progress.hpp
/// @brief The learner's progress, kept in one small file (build/progress.json) so that `./course start` shows every
/// lab's state without running a test: `./course check` records each run (through ws_run_tests), `./course grade`
/// each grading of the learner's own files. The idea is rustlings' state file.
///
/// The file is ours, but a learner may edit or break it: a file that does not parse reads as empty (with a warning)
/// and is rewritten whole on the next update. Writes are atomic (a temporary file renamed over it) and serialized by
/// an flock on "<file>.lock", so a check and a grade at the same moment lose neither record.
///
///     {"schema": "warpspeed-progress-1",
///      "labs": {"01": {"check": {"gpu": {"result": "failing", "failed": 2, "total": 7,
///                                        "when": "2026-12-07T21:00:00Z", "files_hash": "9c0f..."},
///                                "cpu": {...}},
///                      "build_failed": {"when": ..., "files_hash": ...},     (the last check did not compile)
///                      "grade": {"score": 9, "max_score": 15, "when": ..., "files_hash": ...}}}}
///
/// "result" is "passing", "failing", "crashed" or "timed out"; "failed" counts the test cases that did not pass
/// (those a crash or a timeout kept from running included), "total" those the part has.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace ws_report {

/// One part of a check: a lab's [gpu] or [cpu] tests.
struct part_result {
  std::string result;  ///< "passing", "failing", "crashed", "timed out"
  std::size_t failed = 0;
  std::size_t total = 0;
  std::string when;        ///< UTC, ISO 8601
  std::string files_hash;  ///< lab_files_hash() when it ran
};

/// The last grading of the learner's own files (./course grade NN).
struct grade_result {
  double score = 0;
  double max_score = 0;
  std::string when;
  std::string files_hash;
};

/// What is known of one lab.
struct lab_progress {
  std::map<std::string, part_result> parts;  ///< "gpu", "cpu"
  std::optional<part_result> build_failed;   ///< the last check could not build it (result "does not build")
  std::optional<grade_result> grade;
};

/// The whole file: lab number ("01") -> its progress.
struct progress {
  std::map<std::string, lab_progress> labs;
};

/// Reads `file`; a missing file is empty progress, a malformed one too (then `warning` says why).
progress load_progress(const std::filesystem::path& file, std::string& warning);

/// Reads, changes and writes `file` atomically under its lock. Throws std::runtime_error when it cannot write.
void update_progress(const std::filesystem::path& file, const std::function<void(progress&)>& change);

/// A hash of the learner's files of the lab in `lab_dir` (the manifest's "files"; every plain file of the folder
/// when the manifest cannot be read): 16 hex digits, FNV-1a over names and contents. Not a security measure, only
/// "changed since".
std::string lab_files_hash(const std::filesystem::path& lab_dir);

/// The current time, UTC, "2026-12-07T21:00:00Z".
std::string now_utc();

/// One lab's state for ./course start: "passing", "failing N of M", "crashed in N of M", "does not build",
/// "not checked yet"; then ", changed since" when the files differ from those checked, and ", graded S/M" when the
/// current files were graded.
std::string lab_status(const lab_progress* lab, const std::string& current_hash);

}  // namespace ws_report
