/// @file regions.h
/// @brief Turns a solution file's `BEGIN SOLUTION` … `END SOLUTION` regions into a learner's starter.
///
/// The pure text transformation behind make_starters; it touches no files, so it is tested on strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ws::make_starters {

/// A malformed region, reported as `file:line: message` so editors can jump to it.
struct parse_error {
  std::string file;  ///< the name passed to make_starter_text (for messages only)
  int line = 0;      ///< 1-based
  std::string message;

  [[nodiscard]] std::string to_string() const;
};

/// The starter text for one file, or the reasons it cannot be made.
struct starter_text {
  std::string text;                 ///< the starter; meaningless when errors is not empty
  int regions = 0;                  ///< how many regions were replaced
  std::vector<parse_error> errors;  ///< empty when the file is well formed
};

/// "lab01" for a lab folder named "01_vector_add"; empty when the name is not `<digits>_<name>`.
[[nodiscard]] std::string lab_tag_for(std::string_view lab_folder);

/// True when the bytes look binary (contain a NUL); such files are copied untouched, never scanned.
[[nodiscard]] bool looks_binary(std::string_view bytes);

/// Replaces every region of @p solution by its starter.
///
/// A region is
/// ```
///     // BEGIN SOLUTION: hint
///     …solution lines, dropped…
///     // STARTER: code kept for the learner
///     // END SOLUTION
/// ```
/// and becomes `    // TODO(<lab_tag>): hint` (the BEGIN line's indentation; "your code here" without a hint)
/// followed by each STARTER line uncommented, in its own indentation. `#` works as the comment leader too, for
/// CMake, shell and Python files. Markers count only as the first non-blank text of a line. Line endings (LF or
/// CRLF) are kept per line; a file without regions comes back byte for byte.
///
/// @param solution   the solution file's bytes
/// @param lab_tag    e.g. "lab01", used in the TODO line
/// @param file_name  used only in error messages
[[nodiscard]] starter_text make_starter_text(std::string_view solution, std::string_view lab_tag,
                                             std::string_view file_name);

}  // namespace ws::make_starters
