/// @file manifest.hpp
/// @brief A lab's grading manifest (`solutions/NN_name/lab.json`, copied into labs/): what a learner submits, which
/// test cases are worth how many points, who sees them, their time limits, and the optional performance points.
///
/// @code{.json}
/// {
///   "lab": "01", "title": "Vector add and SAXPY",
///   "files": ["vector_add.cu", "vector_add_cpu.cpp"],
///   "time_limit_seconds": 60,
///   "tests": [
///     {"name": "<a Catch2 test case, exactly>", "kind": "gpu", "points": 3, "visibility": "visible",
///      "time_limit_seconds": 30}
///   ],
///   "performance": {"cases": [{"case": "tiled 2048", "points": 2, "requires": ["<test name>"]}]}
/// }
/// @endcode
/// `kind` says which binary runs the test: `gpu` tests run on the GPU when there is one (else on the CPU backend),
/// `cpu` tests on the CPU. `visibility` is Gradescope's: visible, hidden, after_due_date or after_published.
/// A performance case names a case of the lab's performance driver (tests/labNN_name.perf.cpp); its points are given
/// only when every test it `requires` passed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ws_grade {

/// One graded test case.
struct manifest_test {
  std::string name;          ///< the Catch2 test case name, exactly
  std::string kind;          ///< "gpu" or "cpu"
  double points = 0;         ///< what passing it is worth
  std::string visibility;    ///< Gradescope visibility
  double time_limit_seconds; ///< wall-clock limit of its run
};

/// One timed case of the performance driver.
struct manifest_perf_case {
  std::string name;                   ///< the driver's case name (`labNN_*_perf --case NAME`)
  double points = 0;                  ///< full credit at <= 1.2x the reference time, none at >= 10x
  std::vector<std::string> requires_passed;  ///< tests that must pass first (a wrong kernel earns no speed points)
};

/// A lab's manifest.
struct manifest {
  std::string lab;                         ///< "01"
  std::string title;                       ///< "Vector add and SAXPY"
  std::vector<std::string> files;          ///< flat file names the learner submits
  /// The compute libraries a submission may load ("cublas"); every other one (BLAS, cuBLAS, cuDNN, oneDNN...) is
  /// absent from the sandbox, so neither its build nor its tests can link, include or dlopen it.
  std::vector<std::string> libraries;
  std::vector<manifest_test> tests;        ///< in report order
  std::vector<manifest_perf_case> perf;    ///< empty when the lab has no performance points
  std::string sha256;                      ///< of the manifest file's bytes (recorded in submissions)

  /// Sum of the tests' points.
  [[nodiscard]] double test_points() const;
  /// Sum of the performance cases' points.
  [[nodiscard]] double perf_points() const;
};

/// Reads and checks a manifest: every field present and well-typed, names unique, files flat and safe, points >= 0,
/// time limits in (0, 3600], visibilities known, `requires` naming tests of this manifest. Throws std::runtime_error
/// naming the file and the problem.
manifest load_manifest(const std::filesystem::path& file);

/// SHA-256 of a byte string, as 64 lowercase hex digits.
std::string sha256_hex(const std::string& bytes);

}  // namespace ws_grade
