/// @file
/// @brief What the matmul labs' tests (02, 03, 04) share: the shapes, random matrices and a double-precision
/// reference.
///
/// Every matmul in the course is row-major C (m x n) = A (m x k) · B (k x n). The shapes are chosen to break
/// wrong code: 1x1x1; sizes that are no multiple of any tile (17x33x65, 257x129x513); m, n and k all different,
/// including a matrix-vector product (n = 1), k smaller than a tile, and k = 0 (C must still be written: all
/// zeros); n a multiple of 4 with k not (37x68x30: rows of A are not 16-byte aligned and a float4 would straddle
/// two of them, so a float4 path must check k % 4 as well as n % 4); and one larger square. The data is random
/// in [-1, 1), so a wrong index changes the result.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <ws/compare.hpp>
#include <ws/random.hpp>

namespace ws_test {

/// One problem: C (m x n) = A (m x k) · B (k x n).
struct matmul_shape {
    int m = 0;  ///< Rows of A and C.
    int n = 0;  ///< Columns of B and C.
    int k = 0;  ///< Columns of A, rows of B: the length of each dot product.

    /// e.g. "m=17 n=33 k=65", for a test's INFO.
    [[nodiscard]] std::string name() const {
        return "m=" + std::to_string(m) + " n=" + std::to_string(n) + " k=" + std::to_string(k);
    }
};

/// Elements of a rows x cols matrix, as a size (int * int overflows long before memory runs out).
inline std::size_t elements(int rows, int cols) {
    return static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
}

/// The shapes every version of every matmul lab must get right (see the file comment).
inline std::vector<matmul_shape> matmul_shapes() {
    return {{1, 1, 1},   {17, 33, 65}, {257, 129, 513}, {33, 1, 129}, {3, 300, 20},
            {37, 68, 30}, {5, 3, 0},   {512, 512, 512}};
}

/// A rows x cols matrix of random floats in [-1, 1), the same for the same seed on every machine.
/// @param rows,cols the shape.
/// @param seed which matrix.
inline std::vector<float> random_matrix(int rows, int cols, std::uint64_t seed) {
    std::vector<float> out(elements(rows, cols));
    ws::fill_random(out, seed);
    return out;
}

/// C = A · B accumulated in double and rounded once to float: more accurate than any float version, so the
/// tolerance only has to cover the version's own rounding.
/// @param a m x k, row-major.
/// @param b k x n, row-major.
/// @param m,n,k the shape.
/// @return C, m x n, row-major.
inline std::vector<float> reference_matmul(std::span<const float> a, std::span<const float> b, int m, int n, int k) {
    const auto un = static_cast<std::size_t>(n);
    std::vector<double> row(un);
    std::vector<float> c(elements(m, n));
    for (std::size_t i = 0; i < static_cast<std::size_t>(m); ++i) {
        std::fill(row.begin(), row.end(), 0.0);
        for (std::size_t p = 0; p < static_cast<std::size_t>(k); ++p) {
            const double a_ip = a[i * static_cast<std::size_t>(k) + p];
            const float* b_row = b.data() + p * un;
            for (std::size_t j = 0; j < un; ++j) {
                row[j] += a_ip * static_cast<double>(b_row[j]);
            }
        }
        for (std::size_t j = 0; j < un; ++j) {
            c[i * un + j] = static_cast<float>(row[j]);
        }
    }
    return c;
}

/// The tolerance for a float matmul with reduction length @p k (grows with k; see ws::tolerance::for_reduction).
inline ws::tolerance matmul_tolerance(int k) { return ws::tolerance::for_reduction(static_cast<std::size_t>(k)); }

}  // namespace ws_test
