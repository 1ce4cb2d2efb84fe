/// @file
/// @brief Lab 02 interface: matrix multiply on the CPU, from the textbook loop to a packed SIMD kernel on every core.
///
/// Every version computes C = A · B for row-major A (m x k), B (k x n) and C (m x n), overwriting C (k = 0 gives
/// zeros). Pointers are host pointers; A and B are not modified and must not overlap C. The tests, the benchmark and
/// the visualizer call the versions by the names in matmul_cpu_versions().
#pragma once

#include <string_view>
#include <vector>

namespace lab02 {

/// @brief Version "naive": the definition, c[i][j] = sum over p of a[i][p] * b[p][j], loops i-j-p.
/// @param a m x k, row-major.
/// @param b k x n, row-major.
/// @param c m x n, row-major; overwritten.
/// @param m,n,k the shape; any may be 0.
void matmul_cpu_naive(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief Version "ikj": the same sums with the loops reordered i-p-j, so the inner loop walks B and C with stride 1.
/// @copydetails matmul_cpu_naive
void matmul_cpu_ikj(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief Version "blocked": i-p-j over cache-sized blocks, so a block of B is reused while it is still in cache.
/// @copydetails matmul_cpu_naive
void matmul_cpu_blocked(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief Version "packed": blocks of A and B copied into the order the SIMD micro-kernel reads them, then a
/// register-blocked micro-kernel (see simd_kernel_name()) computes each small tile of C. One thread.
/// @copydetails matmul_cpu_naive
void matmul_cpu_packed(const float* a, const float* b, float* c, int m, int n, int k);

/// @brief Version "parallel": "packed" with the row blocks of C shared among @p threads OpenMP threads.
/// @param a,b,c,m,n,k as for matmul_cpu_naive().
/// @param threads OpenMP threads to use; 0 means all the machine has.
void matmul_cpu_parallel(const float* a, const float* b, float* c, int m, int n, int k, int threads);

/// @brief The versions by name, in the order the lesson introduces them: naive, ikj, blocked, packed, parallel.
std::vector<std::string_view> matmul_cpu_versions();

/// @brief Runs the version called @p version (one of matmul_cpu_versions()).
/// @param version the version's name.
/// @param a,b,c,m,n,k as for matmul_cpu_naive().
/// @param threads used by "parallel" only (0 = all); the other versions run on one thread.
/// @throws std::invalid_argument for an unknown name.
void matmul_cpu(std::string_view version, const float* a, const float* b, float* c, int m, int n, int k,
                int threads = 1);

/// @brief Which micro-kernel this build chose: "avx512", "avx2" or "portable" (from the compiler's -march).
std::string_view simd_kernel_name();

}  // namespace lab02
