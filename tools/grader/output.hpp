/// @file output.hpp
/// @brief Reading why a build or a test run failed from its text output: the compiler's first error, the
/// sanitizer's finding, the first failed check.
///
/// The text is the learner's program's output, so it is hostile: any bytes (NULs, no newline for 10 MB, a sanitizer
/// banner glued to 30,000 characters). These functions never throw for what the text holds, use no std::regex (its
/// recursive matcher overflows the stack on long lines), look at no more than k_max_line_bytes of any line, and run in
/// time linear in the text's size with bounded extra memory. What they return is printable: every control byte but
/// '\n' (and '\t', shown as a space) becomes '?'.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ws_grade {

/// Only the first this many bytes of each line are looked at; the rest of a longer line is skipped unread.
inline constexpr std::size_t k_max_line_bytes = 4096;

/// A one-line reason is cut to this many bytes (then "..." follows).
inline constexpr std::size_t k_max_reason_bytes = 400;

/// The first compiler error in a build log, with up to `context` following lines (at most 50), and the line before
/// it when that says "In function"; `strip` (the graded folder, with its final '/') is removed wherever it occurs.
/// "" when the log holds no error line.
std::string first_compiler_error(std::string_view log, std::string_view strip, int context = 8);

/// One line saying why a test run failed, from its output; "" when nothing recognizable is there. In order of
/// precedence (a sanitizer's finding outranks the failed checks it caused):
///  - AddressSanitizer: "memory checker: <kind>, READ of size N at <file>:<line> (<function>)", where the frame is
///    the first of the stack in the learner's files: a path containing "/graded/" or `learner_prefix` (when not
///    empty, e.g. the graded folder with its final '/');
///  - an AddressSanitizer SUMMARY line; compute-sanitizer's "========= Invalid ..." / error lines; the CPU backend's
///    "cudacpu: error: ..." lines; Catch2's compact "file:line: failed: ..." lines.
/// The result is at most k_max_reason_bytes long (plus "...").
std::string failure_from_output(std::string_view output, std::string_view learner_prefix = {});

}  // namespace ws_grade
