/// @file
/// @brief Lab 05: inclusive prefix sums (scans) on the GPU, out[i] = in[0] + ... + in[i], for any n.
///
/// What this file teaches: why a scan is harder than a sum (every output needs every input before it, across
/// blocks that cannot wait for each other); two block-level scans, Hillis-Steele (log2 B steps, B log2 B adds) and
/// Blelloch's work-efficient up-sweep and down-sweep (2B adds); and how a multi-block scan is built from a block
/// scan: reduce-then-scan (sum each tile, scan the tile sums, scan each tile again starting from the sum of the
/// tiles before it). Then cub::BlockScan inside our kernel, and one call to CUB or Thrust.
///
/// Versions ("scan"): "hillis_steele", "blelloch", "cub_block" (the reduce-then-scan with that block scan),
/// "cub_device" (cub::DeviceScan::InclusiveSum), "thrust" (thrust::inclusive_scan). Float and int32 each.
///
/// Build and test: `./course check 05` (on a GPU when there is one, otherwise on the CPU backend).
/// Time it:        `./course bench scan`.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

#include <cuda_runtime.h>

#include <cub/block/block_scan.cuh>
#include <cub/device/device_scan.cuh>
#include <thrust/execution_policy.h>
#include <thrust/scan.h>

#include <ws/cuda_check.hpp>

#include "reductions.h"

namespace lab05 {

// ---------------------------------------------------------------------------------------------------------------
// CPU reference
//
// A scan's reference is the running sum in double precision; the tests compute it (std::inclusive_scan).

// ---------------------------------------------------------------------------------------------------------------
// Kernels

/// Threads per block in every scan kernel. A power of two.
constexpr int SCAN_BLOCK = 256;

/// @brief The tile sums of a reduce-then-scan: block b writes the sum of in[b * tile, (b + 1) * tile) to sums[b].
/// @param tile elements per tile, a multiple of SCAN_BLOCK.
template <class T>
__global__ void scan_kernel_tile_sums(const T* in, T* sums, std::int64_t n, int tile) {
  __shared__ T partial[SCAN_BLOCK];
  const unsigned tid = threadIdx.x;
  const std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * tile;
  T v = T(0);
  for (int j = static_cast<int>(tid); j < tile; j += SCAN_BLOCK) {  // consecutive threads, consecutive elements
    v += base + j < n ? in[base + j] : T(0);
  }
  partial[tid] = v;
  __syncthreads();
  for (unsigned s = SCAN_BLOCK / 2; s > 0; s >>= 1) {
    if (tid < s) {
      partial[tid] += partial[tid + s];
    }
    __syncthreads();
  }
  if (tid == 0) {
    sums[blockIdx.x] = partial[0];
  }
}

/// @brief What a tile adds to all its outputs: the sum of every tile before it (carries = the inclusive scan of
/// the tile sums), or 0 for the first tile and for a single-tile scan (carries null).
template <class T>
__device__ T carry_in(const T* carries) {
  return carries != nullptr && blockIdx.x > 0 ? carries[blockIdx.x - 1] : T(0);
}

/// @brief Hillis-Steele inclusive scan of one value per thread over the block; returns this thread's prefix sum.
///
/// At step d (offset 1, 2, 4, ... < SCAN_BLOCK) every thread adds the value `offset` places to its left, if there is
/// one, to its own: after the step, each value is the sum of the 2 * offset inputs ending at it. Two buffers: a step
/// reads one and writes the other, so no thread overwrites a value another still has to read in the same step.
/// Every thread of the block must call it.
template <class T>
__device__ T block_scan_hillis_steele(T x) {
  __shared__ T buffer[2][SCAN_BLOCK];
  const unsigned tid = threadIdx.x;
  int current = 0;
  buffer[current][tid] = x;
  __syncthreads();
  // BEGIN SOLUTION: log2(SCAN_BLOCK) steps. At the step with a given offset, which threads have a value `offset` places to their left, what do they write into the other buffer, and what do the other threads write? When may the next step start reading?
  for (unsigned offset = 1; offset < SCAN_BLOCK; offset *= 2) {
    const int next = 1 - current;
    buffer[next][tid] = tid >= offset ? buffer[current][tid - offset] + buffer[current][tid] : buffer[current][tid];
    __syncthreads();
    current = next;
  }
  // END SOLUTION
  return buffer[current][tid];
}

/// @brief Version "hillis_steele": tiles of SCAN_BLOCK elements, one per thread, scanned by
/// block_scan_hillis_steele(), plus the tile's carry.
template <class T>
__global__ void scan_kernel_hillis_steele(const T* in, T* out, std::int64_t n, const T* carries) {
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * SCAN_BLOCK + threadIdx.x;
  const T x = i < n ? in[i] : T(0);
  const T prefix = block_scan_hillis_steele(x);  // every thread, even past n: the scan has barriers
  if (i < n) {
    out[i] = carry_in(carries) + prefix;
  }
}

/// Elements per tile of the Blelloch scan: two per thread.
constexpr int BLELLOCH_TILE = 2 * SCAN_BLOCK;

/// @brief Blelloch's work-efficient scan of the BLELLOCH_TILE values in @p s (shared memory), in place: on return
/// s[i] is the EXCLUSIVE prefix sum (the sum of the values before i). Every thread of the block must call it.
///
/// Up-sweep: a reduction tree built in place; at the level where pairs are `offset` apart, thread t (while t is
/// below the number of pairs at that level) adds the left element of its pair into the right one. The root, the
/// last element, then holds the total. Down-sweep: clear the root, then walk back down: at each level each active
/// thread swaps its pair's left element with the right one and adds the old left element into the right one.
template <class T>
__device__ void block_scan_blelloch(T* s) {
  const unsigned tid = threadIdx.x;
  // BEGIN SOLUTION: the up-sweep (pairs 1, 2, 4, ... apart), clearing the last element, then the down-sweep (pairs BLELLOCH_TILE / 2, ..., 1 apart). For a level with `pairs` pairs, `offset` apart: which threads work, and at which two indices lie the left and the right element of thread t's pair? Where do the barriers go?
  unsigned offset = 1;
  for (unsigned pairs = BLELLOCH_TILE / 2; pairs > 0; pairs /= 2) {
    __syncthreads();
    if (tid < pairs) {
      const unsigned left = offset * (2 * tid + 1) - 1;
      const unsigned right = offset * (2 * tid + 2) - 1;
      s[right] += s[left];
    }
    offset *= 2;
  }
  __syncthreads();
  if (tid == 0) {
    s[BLELLOCH_TILE - 1] = T(0);
  }
  for (unsigned pairs = 1; pairs < BLELLOCH_TILE; pairs *= 2) {
    offset /= 2;
    __syncthreads();
    if (tid < pairs) {
      const unsigned left = offset * (2 * tid + 1) - 1;
      const unsigned right = offset * (2 * tid + 2) - 1;
      const T t = s[left];
      s[left] = s[right];
      s[right] += t;
    }
  }
  // STARTER: (void)tid;
  // STARTER: (void)s;
  // END SOLUTION
  __syncthreads();
}

/// @brief Version "blelloch": tiles of BLELLOCH_TILE elements, two per thread (tid and tid + SCAN_BLOCK, so each
/// warp's loads are consecutive), scanned by block_scan_blelloch(); the inclusive prefix is the exclusive one plus
/// the element itself.
template <class T>
__global__ void scan_kernel_blelloch(const T* in, T* out, std::int64_t n, const T* carries) {
  __shared__ T tile[BLELLOCH_TILE];
  const unsigned tid = threadIdx.x;
  const std::int64_t base = static_cast<std::int64_t>(blockIdx.x) * BLELLOCH_TILE;
  const std::int64_t i0 = base + tid;
  const std::int64_t i1 = base + tid + SCAN_BLOCK;
  const T x0 = i0 < n ? in[i0] : T(0);
  const T x1 = i1 < n ? in[i1] : T(0);
  tile[tid] = x0;
  tile[tid + SCAN_BLOCK] = x1;
  block_scan_blelloch(tile);
  const T carry = carry_in(carries);
  if (i0 < n) {
    out[i0] = carry + tile[tid] + x0;
  }
  if (i1 < n) {
    out[i1] = carry + tile[tid + SCAN_BLOCK] + x1;
  }
}

/// @brief Version "cub_block": tiles of SCAN_BLOCK elements scanned by cub::BlockScan inside our kernel.
template <class T>
__global__ void scan_kernel_cub_block(const T* in, T* out, std::int64_t n, const T* carries) {
  using block_scan = cub::BlockScan<T, SCAN_BLOCK>;
  __shared__ typename block_scan::TempStorage temp;
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * SCAN_BLOCK + threadIdx.x;
  const T x = i < n ? in[i] : T(0);
  T prefix = x;
  // BEGIN SOLUTION: this thread's inclusive prefix from block_scan and its shared TempStorage (every thread of the block calls it)
  block_scan(temp).InclusiveSum(x, prefix);
  // STARTER: (void)temp;
  // END SOLUTION
  if (i < n) {
    out[i] = carry_in(carries) + prefix;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Launchers

namespace {

constexpr std::size_t ELEM = sizeof(float);  // float and int alike
static_assert(sizeof(int) == sizeof(float), "the workspace sizes count 4-byte elements for float and int alike");
constexpr std::size_t ALIGN = 256;
constexpr std::size_t THRUST_SLACK = 4096;

std::size_t round_up(std::size_t bytes) { return (bytes + ALIGN - 1) / ALIGN * ALIGN; }

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

bool is_tiled(std::string_view version) {
  return version == "hillis_steele" || version == "blelloch" || version == "cub_block";
}

/// Elements per tile of a reduce-then-scan version.
std::int64_t tile_of(std::string_view version) { return version == "blelloch" ? BLELLOCH_TILE : SCAN_BLOCK; }

dim3 grid_of(std::int64_t blocks) {
  if (blocks > std::numeric_limits<int>::max()) {
    throw std::invalid_argument("lab05: " + std::to_string(blocks) + " blocks exceed the grid limit");
  }
  return dim3(static_cast<unsigned>(blocks));
}

std::size_t cub_device_bytes(std::int64_t n) {
  std::size_t float_bytes = 0;
  std::size_t int_bytes = 0;
  WS_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, float_bytes, static_cast<const float*>(nullptr),
                                              static_cast<float*>(nullptr), n));
  WS_CUDA_CHECK(cub::DeviceScan::InclusiveSum(nullptr, int_bytes, static_cast<const int*>(nullptr),
                                              static_cast<int*>(nullptr), n));
  return std::max(float_bytes, int_bytes);
}


/// Launches the block-level scan of @p version over every tile of [in, in + n), each tile adding its carry.
template <class T>
void launch_tile_scans(std::string_view version, const T* in, T* out, std::int64_t n, const T* carries) {
  const dim3 grid = grid_of(ceil_div(n, tile_of(version)));
  if (version == "hillis_steele") {
    scan_kernel_hillis_steele<T><<<grid, SCAN_BLOCK>>>(in, out, n, carries);
  } else if (version == "blelloch") {
    scan_kernel_blelloch<T><<<grid, SCAN_BLOCK>>>(in, out, n, carries);
  } else {
    scan_kernel_cub_block<T><<<grid, SCAN_BLOCK>>>(in, out, n, carries);
  }
  WS_CUDA_CHECK_LAST();
}

/// Reduce-then-scan: (1) the sum of each tile, (2) the inclusive scan of those sums, in place, by the same method
/// (one tile's worth of sums needs no further level), (3) every tile scanned again, starting from its carry.
template <class T>
void launch_reduce_then_scan(std::string_view version, const T* in, T* out, std::int64_t n, void* workspace) {
  const std::int64_t tile = tile_of(version);
  const std::int64_t tiles = ceil_div(n, tile);
  if (tiles <= 1) {
    launch_tile_scans<T>(version, in, out, n, nullptr);
    return;
  }
  T* sums = static_cast<T*>(workspace);
  void* rest = static_cast<char*>(workspace) + round_up(tiles * ELEM);
  // BEGIN SOLUTION: the three phases. Which kernel gives one sum per tile, how do you turn those sums into every tile's carry (this function scans any n), and what does the last phase launch?
  scan_kernel_tile_sums<T><<<grid_of(tiles), SCAN_BLOCK>>>(in, sums, n, static_cast<int>(tile));
  WS_CUDA_CHECK_LAST();
  launch_reduce_then_scan<T>(version, sums, sums, tiles, rest);
  launch_tile_scans<T>(version, in, out, n, sums);
  // STARTER: (void)sums;
  // STARTER: (void)rest;
  // STARTER: launch_tile_scans<T>(version, in, out, n, nullptr);
  // END SOLUTION
}

template <class T>
void launch_inclusive_scan_impl(std::string_view version, const T* in, T* out, std::int64_t n, void* workspace,
                                std::size_t workspace_bytes) {
  const std::size_t need = scan_workspace_bytes(version, n);  // also rejects an unknown version and n < 0
  if (workspace_bytes < need) {
    throw std::invalid_argument("lab05: scan version '" + std::string(version) + "' needs " + std::to_string(need) +
                                " bytes of workspace for n = " + std::to_string(n) + ", got " +
                                std::to_string(workspace_bytes));
  }
  if (n == 0) {
    return;
  }
  if (is_tiled(version)) {
    launch_reduce_then_scan<T>(version, in, out, n, workspace);
  } else if (version == "cub_device") {
    // BEGIN SOLUTION: one call to cub::DeviceScan::InclusiveSum with our workspace as its temporary storage, checked with WS_CUDA_CHECK
    std::size_t bytes = workspace_bytes;
    WS_CUDA_CHECK(cub::DeviceScan::InclusiveSum(workspace, bytes, in, out, n));
    // END SOLUTION
  } else {
    detail::thrust_workspace_allocator scratch(workspace, workspace_bytes);
    // BEGIN SOLUTION: thrust::inclusive_scan over [in, in + n) into out, with the policy thrust::device(scratch)
    thrust::inclusive_scan(thrust::device(scratch), in, in + n, out);
    // STARTER: (void)scratch;
    // END SOLUTION
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Dispatcher

std::size_t scan_workspace_bytes(std::string_view version, std::int64_t n) {
  if (n < 0) {
    throw std::invalid_argument("lab05: scan: n = " + std::to_string(n) + " is negative");
  }
  if (is_tiled(version)) {
    // One region of tile sums per level, until a level fits in one tile.
    std::size_t bytes = 0;
    for (std::int64_t count = ceil_div(n, tile_of(version)); count > 1; count = ceil_div(count, tile_of(version))) {
      bytes += round_up(count * ELEM);
    }
    return bytes;
  }
  if (version == "cub_device") {
    return n == 0 ? 0 : cub_device_bytes(n);
  }
  if (version == "thrust") {
    return n == 0 ? 0 : cub_device_bytes(n) + THRUST_SLACK;
  }
  throw std::invalid_argument("lab05: unknown scan version '" + std::string(version) + "'");
}

void launch_inclusive_scan(std::string_view version, const float* in, float* out, std::int64_t n, void* workspace,
                           std::size_t workspace_bytes) {
  launch_inclusive_scan_impl<float>(version, in, out, n, workspace, workspace_bytes);
}

void launch_inclusive_scan(std::string_view version, const int* in, int* out, std::int64_t n, void* workspace,
                           std::size_t workspace_bytes) {
  launch_inclusive_scan_impl<int>(version, in, out, n, workspace, workspace_bytes);
}

}  // namespace lab05
