/// @file
/// @brief Lab 05 interface: sums and inclusive prefix sums (scans) on the CPU and the GPU, and a numerically stable
/// row-wise softmax and log-sum-exp.
///
/// The GPU functions take device pointers, launch on the default stream and return without waiting (the "thrust"
/// reduction waits: Thrust returns its sum to the host). Scratch memory is the caller's: ask
/// reduce_workspace_bytes() or scan_workspace_bytes() how much a version needs for n elements, allocate it once,
/// and pass it to every launch of that size or smaller. No launcher allocates memory.
///
/// Versions are called by name. The names are declared once, in this lab's lab.json ("versions"); the tests, the
/// benchmark (`./course bench reduce|scan|softmax`) and the visualizer read them from there. An unknown name
/// throws std::invalid_argument naming it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

/// Lab 05: reductions, scans and softmax.
namespace lab05 {

// ---------------------------------------------------------------------------------------------------------------
// CPU sums (reduce_cpu.cpp)

/// @brief The sum of @p n floats on the CPU, by the version named @p version.
///
/// Versions: "naive" (one float accumulator, left to right), "pairwise" (split in halves recursively, naive below a
/// small block: the rounding error grows with log n instead of n), "simd_omp" (all cores, SIMD lanes, float
/// partial sums per block combined in double: as fast as memory delivers the data).
/// @param version one of the "sum_cpu" versions.
/// @param x host memory, n floats.
/// @param n number of elements, >= 0; n = 0 gives 0.
/// @return the sum, rounded to float.
/// @throws std::invalid_argument for an unknown version.
float sum_cpu(std::string_view version, const float* x, std::int64_t n);

// ---------------------------------------------------------------------------------------------------------------
// GPU reductions (reduce.cu)

/// @brief Bytes of device scratch memory the reduction @p version needs for @p n elements (the same for float and
/// int, which are both 4 bytes). 0 when it needs none.
///
/// The multi-pass versions keep one partial sum per block; "one_pass" also a counter; "cub_device" and "thrust"
/// what CUB asks for. The answer may depend on the current device (how many SMs it has), never on the data.
/// @param version one of the "reduce" versions.
/// @param n number of elements, >= 0.
/// @throws std::invalid_argument for an unknown version or n < 0.
std::size_t reduce_workspace_bytes(std::string_view version, std::int64_t n);

/// @brief Writes the sum of the @p n floats at @p in to `*out`.
///
/// Versions, in the order lesson 05 builds them (Harris's sequence): "interleaved", "sequential", "first_add",
/// "warp_shuffle", "grid_stride", "one_pass", then "cub_block" (cub::BlockReduce in our kernel), "cub_device"
/// (cub::DeviceReduce::Sum) and "thrust" (thrust::reduce). Every version gives the same float on every run
/// (none depends on the order in which blocks finish).
/// @param version one of the "reduce" versions.
/// @param in device memory, n floats; not modified.
/// @param out device memory, one float; n = 0 writes 0.
/// @param n number of elements, >= 0.
/// @param workspace device memory of at least reduce_workspace_bytes(version, n) bytes (may be null when that is 0);
///        its contents are overwritten.
/// @param workspace_bytes its size.
/// @throws std::invalid_argument for an unknown version, n < 0 or a workspace that is too small.
/// @throws ws::cuda_error when a launch is rejected.
void launch_reduce_sum(std::string_view version, const float* in, float* out, std::int64_t n, void* workspace,
                       std::size_t workspace_bytes);

/// @brief As the float overload for int32: exact (wraps like the GPU's integer adds if the sum overflows).
void launch_reduce_sum(std::string_view version, const int* in, int* out, std::int64_t n, void* workspace,
                       std::size_t workspace_bytes);

// ---------------------------------------------------------------------------------------------------------------
// GPU inclusive scans (scan.cu)

/// @brief Bytes of device scratch memory the scan @p version needs for @p n elements (float or int). 0 when none.
/// @param version one of the "scan" versions.
/// @param n number of elements, >= 0.
/// @throws std::invalid_argument for an unknown version or n < 0.
std::size_t scan_workspace_bytes(std::string_view version, std::int64_t n);

/// @brief Inclusive prefix sums: `out[i] = in[0] + ... + in[i]` for i < n.
///
/// Versions: "hillis_steele", "blelloch" and "cub_block" are a multi-block reduce-then-scan (sum each tile, scan
/// the tile sums, scan each tile again starting from the sum of the tiles before it) whose block-level scan is
/// that algorithm; "cub_device" is cub::DeviceScan::InclusiveSum, "thrust" thrust::inclusive_scan.
/// @param version one of the "scan" versions.
/// @param in device memory, n elements; not modified. May equal @p out (in place).
/// @param out device memory, n elements; n = 0 writes nothing.
/// @param n number of elements, >= 0.
/// @param workspace device memory of at least scan_workspace_bytes(version, n) bytes (null when that is 0).
/// @param workspace_bytes its size.
/// @throws std::invalid_argument for an unknown version, n < 0 or a workspace that is too small.
/// @throws ws::cuda_error when a launch is rejected.
void launch_inclusive_scan(std::string_view version, const float* in, float* out, std::int64_t n, void* workspace,
                           std::size_t workspace_bytes);

/// @brief As the float overload for int32: exact.
void launch_inclusive_scan(std::string_view version, const int* in, int* out, std::int64_t n, void* workspace,
                           std::size_t workspace_bytes);

// ---------------------------------------------------------------------------------------------------------------
// Row-wise softmax and log-sum-exp (softmax.cu)

/// @brief CPU reference: `y[r][j] = exp(x[r][j] - m) / sum_j' exp(x[r][j'] - m)` with m the row's maximum.
///
/// Subtracting the maximum keeps every exponent <= 0, so nothing overflows (logits of 1e30 work) and the largest
/// term is exactly 1. A row whose entries are all -inf has no maximum to subtract; it is defined here as the limit
/// of a row of equal values: uniform, 1 / cols each (every entry equal to the maximum counts exp(0) = 1).
/// @param x host memory, rows x cols, row-major.
/// @param y host memory, rows x cols; overwritten. Must not overlap @p x.
/// @param rows,cols the shape, >= 0.
void softmax_rows_cpu(const float* x, float* y, int rows, int cols);

/// @brief CPU reference: `out[r] = log(sum_j exp(x[r][j]))`, computed as `m + log(sum_j exp(x[r][j] - m))`.
///
/// A row of all -inf gives -inf (log 0); cols = 0 gives -inf too (an empty sum is 0).
/// @param x host memory, rows x cols, row-major.
/// @param out host memory, rows floats; overwritten.
/// @param rows,cols the shape, >= 0.
void logsumexp_rows_cpu(const float* x, float* out, int rows, int cols);

/// @brief Row-wise softmax on the GPU, with the same definition as softmax_rows_cpu().
///
/// Versions: "block_per_row" (a block per row, maximum and sum by shared-memory trees), "warp_per_row" (a warp per
/// row, warp shuffles), "online" (a warp per row; the maximum and the sum in one pass over the row, rescaling the
/// running sum when the maximum grows).
/// @param version one of the "softmax" versions.
/// @param x device memory, rows x cols, row-major; not modified.
/// @param y device memory, rows x cols; overwritten. Must not overlap @p x.
/// @param rows,cols the shape, >= 0 (either 0 launches nothing).
/// @throws std::invalid_argument for an unknown version or a negative size.
/// @throws ws::cuda_error when a launch is rejected.
void launch_softmax_rows(std::string_view version, const float* x, float* y, int rows, int cols);

/// @brief Row-wise log-sum-exp on the GPU (a warp per row, the online maximum and sum), as logsumexp_rows_cpu().
/// @param x device memory, rows x cols, row-major.
/// @param out device memory, rows floats; overwritten.
/// @param rows,cols the shape, >= 0 (rows = 0 launches nothing; cols = 0 writes -inf).
/// @throws std::invalid_argument for a negative size.
/// @throws ws::cuda_error when a launch is rejected.
void launch_logsumexp_rows(const float* x, float* out, int rows, int cols);

// ---------------------------------------------------------------------------------------------------------------
// Shared by reduce.cu and scan.cu

namespace detail {

/// A Thrust allocator that hands out the caller's workspace and never calls cudaMalloc: Thrust asks it for its
/// scratch, and it throws if that would not fit (the workspace size promised too little).
class thrust_workspace_allocator {
 public:
  using value_type = char;
  thrust_workspace_allocator(void* workspace, std::size_t bytes)
      : base_(static_cast<char*>(workspace)), bytes_(bytes) {}
  char* allocate(std::ptrdiff_t count) {
    const std::size_t start = (used_ + 255) / 256 * 256;
    if (count < 0 || start + static_cast<std::size_t>(count) > bytes_) {
      throw std::runtime_error("lab05: thrust asked for " + std::to_string(count) + " bytes of scratch, " +
                               std::to_string(bytes_ - std::min(bytes_, start)) + " are left in the workspace");
    }
    used_ = start + static_cast<std::size_t>(count);
    return base_ + start;
  }
  void deallocate(char*, std::size_t) {}

 private:
  char* base_;
  std::size_t bytes_;
  std::size_t used_ = 0;
};

}  // namespace detail

}  // namespace lab05
