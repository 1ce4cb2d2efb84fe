/// @file
/// @brief `ws_test::witness()`: a test reports the results it checked, so the grader can check them again outside
/// the learner's process.
///
/// A test binary links the learner's code, and that code can do anything the process can: print "Passed", call
/// `_exit(0)` from a static initializer, or define a `ws::compare` that always agrees. So the grader never takes the
/// test's own word. Each graded test case also calls `witness()` on every result it checks; under the grader
/// (environment variable `WS_WITNESS_FILE`) each call appends a record to that file, and the grader compares the
/// records, value by value, with the records of the **reference solution's** run of the same test case, made in a
/// separate process the learner cannot read. Outside the grader `witness()` does nothing.
///
/// A test earns its points only when its Catch2 checks pass **and** its witnesses match the reference's. Forging the
/// first is easy and earns nothing; matching the second means computing the right answer.
///
/// Rules for a test file (the ctest `grader.manifest.labNN` enforces the first):
///  - every graded test case calls witness() at least once, on what it checks, after the check;
///  - the same calls in the same order in every run: label, count and tolerance come from the reference's run;
///  - a verdict computed in the process (a kernel was launched, the guards are intact) is a `bool` witness: it
///    matches when the reference reported the same value. (In-process code can fake such a verdict; see
///    docs/grading.md for why that still earns nothing without the right results.)
/// @code
/// const auto c = d_c.download();
/// CHECK(ws::compare(expected, c, tol).ok());
/// ws_test::witness("c " + where(n, block_size), c, tol);
/// @endcode
///
/// The file format (little-endian, one record after another; tools/grader/witness.cpp reads it):
/// `"WSW1"`, u32 label length, label bytes, u8 kind (0 values, 1 verdict), f64 tolerance abs, f64 tolerance rel,
/// u64 count, then count f64 values (a verdict: one value, 0 or 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <ws/compare.hpp>

namespace ws_test {

/// Reports the values a test checked (a no-op outside the grader).
/// @param label what they are, with the test's parameters ("c n=33 block=32"): the grader shows it on a mismatch
/// @param values the learner's results, as the test checked them
/// @param tol the tolerance the test checked them with; the grader allows twice it between learner and reference
void witness(std::string_view label, std::span<const float> values, ws::tolerance tol);
void witness(std::string_view label, std::span<const double> values, ws::tolerance tol);
void witness(std::string_view label, std::span<const int> values);  ///< exact

/// Overloads for vectors, so a call site needs no std::span.
inline void witness(std::string_view label, const std::vector<float>& values, ws::tolerance tol) {
  witness(label, std::span<const float>(values), tol);
}
inline void witness(std::string_view label, const std::vector<double>& values, ws::tolerance tol) {
  witness(label, std::span<const double>(values), tol);
}
inline void witness(std::string_view label, const std::vector<int>& values) {
  witness(label, std::span<const int>(values));
}

/// Reports a verdict the test computed in the process (a kernel was launched, the guard bands are intact).
void witness(std::string_view label, bool verdict);

/// Reports one number exactly (a count, an error code).
void witness(std::string_view label, std::int64_t value);

}  // namespace ws_test
