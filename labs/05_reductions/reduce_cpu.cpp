/// @file
/// @brief Lab 05, CPU part: the sum of n floats three ways, and why they give different answers.
///
/// What this file teaches: float addition is not associative, so the order of a sum changes its result; a naive
/// loop's rounding error grows with n, pairwise summation's with log n; and a sum on all cores with SIMD is limited
/// by how fast memory delivers the data, not by the adds.
///
/// Versions ("sum_cpu"): "naive", "pairwise", "simd_omp".
///
/// Build and test: `./course check 05`. Time it: `./course bench reduce` (the CPU rows).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reductions.h"

namespace lab05 {

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Naive: one accumulator, left to right

float sum_cpu_naive(const float* x, std::int64_t n) {
  // TODO(lab05): add the n elements, in order, into one float that starts at 0 (keep the float: this version shows what its rounding does)
  (void)x;
  (void)n;
  return 0.0f;
}

// ---------------------------------------------------------------------------------------------------------------
// Pairwise: sum each half, then add the two halves

/// Below this many elements the pairwise sum adds naively: recursing down to single elements would cost a call per
/// add. The error bound grows by one naive block's worth (PAIRWISE_BLOCK * eps) plus log2(n / PAIRWISE_BLOCK) adds.
constexpr std::int64_t PAIRWISE_BLOCK = 64;

float sum_cpu_pairwise(const float* x, std::int64_t n) {
  // TODO(lab05): small n: add naively. Otherwise: what are the two halves, and what do you do with their sums? (Each element then passes through about log2(n) adds instead of up to n.)
  (void)x;
  (void)n;
  return 0.0f;
}

// ---------------------------------------------------------------------------------------------------------------
// SIMD + OpenMP: every core, every SIMD lane

/// Elements per block: each block is summed in float by one thread's SIMD lanes (short, so its rounding error stays
/// small), and the blocks' sums are added in double.
constexpr std::int64_t SIMD_BLOCK = 4096;

float sum_cpu_simd_omp(const float* x, std::int64_t n) {
  const std::int64_t blocks = (n + SIMD_BLOCK - 1) / SIMD_BLOCK;
  double total = 0.0;
  // TODO(lab05): share the blocks between the threads (which OpenMP clause combines the threads' totals?), and let the compiler use SIMD lanes inside a block (which pragma lets it reorder that float sum?)
  (void)blocks;
  (void)x;
  return static_cast<float>(total);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Dispatcher

float sum_cpu(std::string_view version, const float* x, std::int64_t n) {
  if (n < 0) {
    throw std::invalid_argument("lab05: sum_cpu: n = " + std::to_string(n) + " is negative");
  }
  if (version == "naive") {
    return sum_cpu_naive(x, n);
  }
  if (version == "pairwise") {
    return sum_cpu_pairwise(x, n);
  }
  if (version == "simd_omp") {
    return sum_cpu_simd_omp(x, n);
  }
  throw std::invalid_argument("lab05: unknown sum_cpu version '" + std::string(version) + "'");
}

}  // namespace lab05
