/// @file sanitizer_report.hpp
/// @brief The one reader of what a test run printed besides its report: AddressSanitizer and ThreadSanitizer
/// findings (the CPU backend's memory and race checkers), compute-sanitizer's, the CPU backend's "cudacpu: error:"
/// lines; and the one-line reason a failed run is given (the grader's, ./course check's).
///
/// The text is a learner's program's output, so it is hostile; everything here keeps text.hpp's promises: no throw
/// for the content, no std::regex, lines looked at to k_max_line_bytes, linear time, printable results.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "test_report.hpp"

namespace ws_report {

/// A frame of a sanitizer's stack in the learner's files.
struct learner_frame {
  std::string function;  ///< "lab01::vector_add_kernel" (no parameters), "" when not given
  std::string location;  ///< the path as printed, with its line: "/w/labs/01_vector_add/vector_add.cu:32"
};

/// One access of a finding ("READ of size 4", "Previous write of size 4") and its frames in the learner's files.
struct sanitizer_access {
  std::string what;
  std::vector<learner_frame> frames;  ///< at most 4
  bool stack_lost = false;            ///< ThreadSanitizer said "[failed to restore the stack]" for it
};

/// The first AddressSanitizer or ThreadSanitizer report of an output.
struct sanitizer_finding {
  std::string checker;   ///< "memory checker" (AddressSanitizer) or "race checker" (ThreadSanitizer)
  std::string headline;  ///< "ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60b0000000f0"
  std::string kind;      ///< "heap-buffer-overflow", "data race"
  std::vector<sanitizer_access> accesses;  ///< at most 4
  std::string where;     ///< the first learner frame near the banner, short: "vector_add.cu:32 (lab01::f)"; or ""
  std::string summary;   ///< the "SUMMARY: ..." line, or ""
  /// The CPU backend's line about this report, printed right after it in races mode (common/cudacpu/src/
  /// race_report.cpp): "cudacpu: error: /w/labs/03_matmul_gpu/matmul_gpu.cu:109: data race on __shared__
  /// a_tile[0][0] (declared at matmul_gpu.cu:99) in block (1,0,0): write by thread (0,0,0) at matmul_gpu.cu:109,
  /// then read by thread (1,0,0) at matmul_gpu.cu:113; no __syncthreads() between these lines"; or "".
  std::string backend;
};

/// The first AddressSanitizer/ThreadSanitizer report in `output`, or nothing. A frame is the learner's when its line
/// contains one of `learner_markers` (e.g. "/labs/", "/graded/"; empty markers are ignored).
std::optional<sanitizer_finding> find_sanitizer_finding(std::string_view output,
                                                         const std::vector<std::string>& learner_markers);

/// What ./course check shows for a finding: the headline, the backend's line in CUDA's terms when there is one, each
/// access with up to two learner frames ("  at labs/01_vector_add/vector_add.cu:32 (lab01::vector_add_kernel)"; an
/// access whose stack ThreadSanitizer lost says so) and the summary, `strip` (the checkout's root with its final '/')
/// removed from paths. Printable lines, each at most k_max_reason_bytes (plus "...").
std::vector<std::string> finding_lines(const sanitizer_finding& finding, std::string_view strip);

/// The first `max` distinct "cudacpu: error: ..." lines (from "cudacpu:" on), printable and cut.
std::vector<std::string> cudacpu_errors(std::string_view output, std::size_t max);

/// One line saying what a bug detector found in a run's output; "" when nothing. In order of precedence:
///  - ThreadSanitizer with the CPU backend's line after it: "race checker: data race on __shared__ a_tile[0][0]
///    (declared at matmul_gpu.cu:99) in block (1,0,0): write by thread (0,0,0) at matmul_gpu.cu:109, then read by
///    thread (1,0,0) at matmul_gpu.cu:113; no __syncthreads() between these lines" (both accesses, the variable, the
///    CUDA threads);
///  - AddressSanitizer: "memory checker: <kind>, READ of size N at <file>:<line> (<function>)", where the frame is
///    the first of the stack in the learner's files: a path containing "/graded/" or `learner_prefix` (when not
///    empty); ThreadSanitizer the same with "race checker: " (and ", previous write at <file>:<line>" when the
///    other access has a frame there);
///  - an AddressSanitizer SUMMARY line; compute-sanitizer's "========= Invalid ..." / error lines; the CPU backend's
///    "cudacpu: error: ..." lines.
/// The result is at most k_max_reason_bytes long (plus "...").
std::string sanitizer_reason(std::string_view output, std::string_view learner_prefix = {});

/// One line for a failed check: "file:line: failed: REQUIRE( x == 2 ) for: 1 == 2 with: n = 3" (FAIL, exceptions and
/// fatal errors say so instead of an expression), printable, at most k_max_reason_bytes (plus "...").
std::string describe_check(const failed_check& check);

/// Why a run of one test case failed, in one line; "" when nothing recognizable: a bug detector's finding
/// (sanitizer_reason) outranks the failed checks it caused; else the first failed check of the test case named
/// `test_name` (of any test case when `test_name` is empty).
std::string failure_reason(const test_report& report, std::string_view test_name, std::string_view output,
                           std::string_view learner_prefix = {});

}  // namespace ws_report
