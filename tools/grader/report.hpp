/// @file report.hpp
/// @brief What a grade looks like: Gradescope's results.json, the table a learner reads, a CSV row for instructors.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "grade.hpp"

namespace ws_grade {

/// Writes Gradescope's results.json: score, max_score, execution_time, output, tests[] (name, number, score,
/// max_score, status, output, visibility), leaderboard (performance timings, GPU only) and extra_data. The file is
/// written to a temporary name and renamed, so a reader never sees half a file.
void write_results_json(const grade_report& report, const std::filesystem::path& out);

/// The text a learner reads: one line per test (points, status, name) and the reason under each failure.
void print_table(const grade_report& report, std::ostream& out, bool colour);

/// The header of the batch summary CSV for a lab: submission, verdict, score, max_score, one column per test, reason.
std::string csv_header(const manifest& m);
/// One CSV row for a report (fields quoted as RFC 4180 says).
std::string csv_row(const std::string& submission, const grade_report& report);

/// The points as a short string: 3, 2.5, 0.83.
std::string format_points(double points);

}  // namespace ws_grade
