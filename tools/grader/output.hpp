/// @file output.hpp
/// @brief Reading why a build failed from its log: the compiler's first error. (Why a test run failed is read by the
/// one reader of test results, tools/test_report: ws_report::failure_reason over Catch2's XML report and the run's
/// output, ws_report::sanitizer_reason for the bug detectors.)
///
/// The log holds the learner's code and the compiler's words about it, so it is hostile: any bytes (NULs, no newline
/// for 10 MB). first_compiler_error never throws for what the text holds, uses no std::regex (its recursive matcher
/// overflows the stack on long lines), looks at no more than k_max_line_bytes of any line, and runs in time linear in
/// the text's size with bounded extra memory. What it returns is printable: every control byte but '\n' (and '\t',
/// shown as a space) becomes '?'.
#pragma once

#include <string>
#include <string_view>

#include "text.hpp"

namespace ws_grade {

/// Only the first this many bytes of each line are looked at (tools/test_report/text.hpp).
using ws_report::k_max_line_bytes;

/// A one-line reason is cut to this many bytes (then "..." follows).
using ws_report::k_max_reason_bytes;

/// The first compiler error in a build log, with up to `context` following lines (at most 50), and the line before
/// it when that says "In function"; `strip` (the graded folder, with its final '/') is removed wherever it occurs.
/// "" when the log holds no error line.
std::string first_compiler_error(std::string_view log, std::string_view strip, int context = 8);

}  // namespace ws_grade
