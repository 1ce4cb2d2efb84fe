/// @file output.hpp
/// @brief Reading why a build or a test run failed from its text output: the compiler's first error, the
/// sanitizer's finding, the first failed check.
#pragma once

#include <string>

namespace ws_grade {

/// The first compiler error in a build log, with up to `context` following lines, paths under `strip` shortened.
std::string first_compiler_error(const std::string& log, const std::string& strip, int context = 8);

/// One line saying why a test run failed, from its output (Catch2's compact reporter, AddressSanitizer,
/// compute-sanitizer, the CPU backend's errors); "" when nothing recognizable is there.
std::string failure_from_output(const std::string& output);

}  // namespace ws_grade
