/// @file compare.hpp
/// @brief Compare a computed array against a reference and get a report, never an exit().
///
/// A test or the grader asks `ws::compare(expected, got, tol)` and reads the report: how many elements differ, the
/// largest errors, where the first mismatches are, how many NaN/Inf came back. `summary()` is written to be read in a
/// failing test's output, e.g.
/// `n=257: 3 of 257 elements differ (max abs err 1.2e-03, max rel err 4.0e-02; tol abs 1.0e-05 rel 1.0e-05);`
/// `first at [256]: expected 1.5, got nan, [300]: expected 2, got 2.5` (one line).
#pragma once

#include <cfloat>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

/// WarpSpeed's common library: checks, data, timers and results shared by every lab, test and tool.
namespace ws {

/// Machine epsilon of IEEE binary16 (`__half`): the spacing of values just above 1, 2^-10.
inline constexpr float eps_fp16 = 0x1p-10f;
/// Machine epsilon of bfloat16 (`__nv_bfloat16`): 2^-7, it keeps only 8 significand bits.
inline constexpr float eps_bf16 = 0x1p-7f;

/// How far `got` may be from `expected`: element i matches when
/// `|got[i] - expected[i]| <= abs + rel * |expected[i]|` (the rule of numpy's `allclose`).
///
/// The absolute part covers results near zero, where a relative bound alone would demand exactness (a sum of
/// values of both signs can cancel to almost nothing while its rounding error does not shrink).
struct tolerance {
    double abs = 0.0;  ///< Absolute part, in the units of the data. Must be >= 0.
    double rel = 0.0;  ///< Relative part, a fraction of |expected|. Must be >= 0.

    /// Bit-for-bit equality (NaN still matches NaN). For integer-valued data and pure data movement (copy, transpose).
    [[nodiscard]] static tolerance exact() noexcept { return {}; }

    /// For results that are each a reduction (sum, dot product, matmul entry) of @p k terms of inputs in [-1, 1]
    /// (what `ws::fill_random` makes), accumulated in a type with machine epsilon @p eps.
    ///
    /// Returns `rel = 8 * sqrt(k) * eps` and `abs = 2 * k * eps`. Why not the textbook k·eps relative bound
    /// ((k-1)·eps·Σ|x|, Higham, *Accuracy and Stability of Numerical Algorithms*, §4.2): it assumes every rounding
    /// error has the same sign. Independent rounding errors add like a random walk: the absolute error is about
    /// eps·(size of the partial sums ~ sqrt(k))·sqrt(k) = k·eps, and relative to a typical result (~sqrt(k)) that is
    /// sqrt(k)·eps. The absolute part matters when a result cancels to almost nothing while its partial sums did not.
    /// Measured: over thousands of sequential float dot products against a double reference (k = 16 … 2^20) the
    /// worst error used under 1/5 of this tolerance; a kernel's tree-shaped sum is more accurate still. It still
    /// catches an index bug, which moves a result by a whole term (~1 against a bound of 2·k·eps), for k up to ~10^5.
    /// Inputs of a larger magnitude M: multiply `abs` by M (M² for products).
    /// @param k   number of terms reduced into each output element; 0 is treated as 1 (element-wise operations).
    /// @param eps machine epsilon of the accumulation type (`FLT_EPSILON` for float, `DBL_EPSILON` for double).
    [[nodiscard]] static tolerance for_reduction(std::size_t k, float eps = FLT_EPSILON) noexcept;

    /// For kernels whose inputs (and possibly output) are stored in a narrow type with machine epsilon @p eps
    /// (`ws::eps_fp16`, `ws::eps_bf16`) and accumulated in float, checked against a reference that used the unrounded
    /// inputs.
    ///
    /// Returns `rel = 2 * eps` and `abs = 2 * sqrt(k) * eps + 2 * k * FLT_EPSILON`. Rounding each input perturbs each
    /// product by up to eps relative; with random signs that is ~sqrt(k)·eps absolute, a constant fraction of eps
    /// relative to a typical result; rounding the output to the narrow type adds eps/2 relative; the last term is
    /// the float accumulation (see `for_reduction`). Measured with fp16 and bf16 rounding, k = 1 … 65536: the worst
    /// error used under 1/5 of this tolerance.
    /// @param eps machine epsilon of the input type; must be > 0.
    /// @param k   terms per output element; 0 is treated as 1.
    [[nodiscard]] static tolerance for_precision(float eps, std::size_t k) noexcept;

    /// True when @p got is close enough to @p expected under this tolerance. NaN matches only NaN; an infinity
    /// matches only the same infinity.
    [[nodiscard]] bool accepts(double expected, double got) const noexcept;
};

/// One element that differs: where, and both values.
struct mismatch {
    std::size_t index = 0;  ///< Flat index into the arrays.
    double expected = 0.0;  ///< The reference value.
    double got = 0.0;       ///< The computed value.
};

/// What `ws::compare` found. A plain struct: read the fields or call `ok()` / `summary()`.
struct compare_report {
    /// How many mismatches `first_mismatches` keeps (the rest are only counted).
    static constexpr std::size_t max_listed = 5;

    std::size_t count = 0;          ///< Elements compared: min(expected size, got size).
    std::size_t expected_size = 0;  ///< Size of the reference array.
    std::size_t got_size = 0;       ///< Size of the computed array; differing sizes make the report fail.
    double max_abs_error = 0.0;     ///< Largest |got - expected| over elements where both are finite.
    double max_rel_error = 0.0;     ///< Largest |got - expected| / |expected| over finite pairs with expected != 0.
    std::size_t mismatches = 0;     ///< Elements that fail the tolerance (a NaN where a number was expected counts).
    std::size_t nan_count = 0;      ///< NaNs in `got`, expected or not.
    std::size_t inf_count = 0;      ///< Infinities in `got`, expected or not.
    std::vector<mismatch> first_mismatches;  ///< The first `max_listed` mismatches, in index order.
    tolerance tol;                  ///< The tolerance the comparison used.
    bool single_precision = true;   ///< Values came from float arrays (printed as the shortest float that round-trips).

    /// True when the sizes agree and no element is out of tolerance.
    [[nodiscard]] bool ok() const noexcept { return mismatches == 0 && expected_size == got_size; }

    /// One line (no trailing newline) for a test's failure message.
    /// @param label what was compared, e.g. `"n=257"` or `"matmul 64x48 v2"`; printed first, followed by `: `.
    /// @param width when > 0, indices print as `[row, col]` of a row-major matrix with this many columns.
    [[nodiscard]] std::string summary(std::string_view label, std::size_t width = 0) const;
};

/// Compares @p got against the reference @p expected element by element.
/// @param expected the reference (typically the CPU result).
/// @param got      the result under test, same size as @p expected (a size difference is reported, not thrown).
/// @param tol      see `ws::tolerance`; e.g. `tolerance::for_reduction(k)`.
/// @return the report; never throws on bad data and never exits.
[[nodiscard]] compare_report compare(std::span<const float> expected, std::span<const float> got, tolerance tol);

/// Compares double arrays; as the float overload.
/// @param expected the reference.
/// @param got      the result under test.
/// @param tol      e.g. `tolerance::for_reduction(k, DBL_EPSILON)`.
/// @return the report (values printed with double precision).
[[nodiscard]] compare_report compare(std::span<const double> expected, std::span<const double> got, tolerance tol);

/// Formats a flat index as `[i]`, or as `[row, col]` when @p width > 0 (row-major, @p width columns).
/// @param flat  flat index.
/// @param width columns per row, or 0 for a flat index.
[[nodiscard]] std::string format_index(std::size_t flat, std::size_t width = 0);

}  // namespace ws
