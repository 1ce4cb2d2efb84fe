/// @file witness.hpp
/// @brief The grader's side of the witnesses (tests/support/witness.hpp): read the records a test run wrote and
/// compare a learner's with the reference solution's.
///
/// This is what makes a verdict the learner's process cannot write: whatever that process prints or exits with, a
/// test earns its points only when the records it wrote match, value by value, those of the reference solution's
/// run of the same test case, made by the grader in a separate process. The reference's records also bring the
/// labels, the counts and the tolerances: nothing the learner's file says about them is believed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ws_grade {

/// One call of ws_test::witness().
struct witness_record {
  std::string label;
  bool verdict = false;        ///< a bool the test computed in the process (kind 1); else values (kind 0)
  double tol_abs = 0;
  double tol_rel = 0;
  std::vector<double> values;
};

/// The records of one run, in order; std::nullopt when the bytes are not a well-formed sequence of records (cut
/// short, a wrong magic, a label or a count beyond what the file holds), with `error` saying where.
/// Bounded: never allocates more than the input's size, never recurses.
std::optional<std::vector<witness_record>> parse_witnesses(const std::string& bytes, std::string& error);

/// "" when `learner` matches `reference`: the same number of records, and each with the reference's label, kind and
/// count, and every value within twice the reference's tolerance (both sides may be off by a tolerance from the
/// exact answer); NaN matches only NaN, an infinity only the same infinity. Otherwise one line saying what differs
/// first, e.g. `its result "c n=33 block=32" differs from the reference solution's at element 17: 0.5 instead of 1.25`.
std::string compare_witnesses(const std::vector<witness_record>& reference, const std::vector<witness_record>& learner);

/// The records as bytes (the format tests/support/witness.cpp writes): the grader's cache of the reference's records
/// and the tests of this file use it.
std::string serialize_witnesses(const std::vector<witness_record>& records);

}  // namespace ws_grade
