/// @file
/// @brief Lab 05: the sum of n numbers on the GPU, from the first tree to the memory-bandwidth limit.
///
/// What this file teaches: a reduction as a tree of adds inside a block, and the classic sequence of improvements
/// (M. Harris, "Optimizing Parallel Reduction in CUDA"): which threads work at each step of the tree (divergence),
/// doing the first add while loading, finishing inside a warp with `__shfl_down_sync`, many elements per thread
/// with a grid-stride loop, and one launch instead of one per level with a last-block finish that stays
/// deterministic. Then the same with CUB's block primitive inside our kernel, and with one call to CUB or Thrust.
///
/// Versions ("reduce"): "interleaved", "sequential", "first_add", "warp_shuffle", "grid_stride", "one_pass",
/// "cub_block", "cub_device", "thrust". Each has a float and an int32 instantiation (the kernels are templates).
///
/// Build and test: `./course check 05` (on a GPU when there is one, otherwise on the CPU backend).
/// Time it:        `./course bench reduce`.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

#include <cuda_runtime.h>

#include <cub/block/block_reduce.cuh>
#include <cub/device/device_reduce.cuh>
#include <thrust/execution_policy.h>
#include <thrust/reduce.h>

#include <ws/cuda_check.hpp>

#include "reductions.h"

namespace lab05 {

// ---------------------------------------------------------------------------------------------------------------
// CPU reference
//
// sum_cpu() in reduce_cpu.cpp; the tests compare every version with a sum in double precision.

// ---------------------------------------------------------------------------------------------------------------
// Kernels

/// Threads per block in every kernel of this file. A power of two (the trees halve it) and a multiple of WARP.
constexpr int BLOCK = 256;
/// Threads per warp.
constexpr int WARP = 32;
/// Every lane of a warp: the mask of a shuffle that all 32 lanes execute together.
constexpr unsigned FULL_MASK = 0xffffffffu;

static_assert(sizeof(int) == sizeof(float), "the workspace sizes count 4-byte elements for float and int alike");

/// @brief Version "interleaved": each block sums BLOCK elements with a tree whose active threads are spread out.
///
/// At step s (s = 1, 2, 4, ...) the threads whose index is a multiple of 2s add the element s places to their right
/// into their own. Correct, and slow: at every step the active threads are scattered over all warps, so every warp
/// still runs the step, most of its lanes idle (divergence), and `%` is expensive.
/// @param in n elements; @param out one partial sum per block (out[blockIdx.x]).
template <class T>
__global__ void reduce_kernel_interleaved(const T* in, T* out, std::int64_t n) {
  __shared__ T partial[BLOCK];
  const unsigned tid = threadIdx.x;
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * BLOCK + tid;
  partial[tid] = i < n ? in[i] : T(0);  // past the end: 0, which adds nothing
  __syncthreads();
  // TODO(lab05): the tree. At step s = 1, 2, 4, ... which threads add, and which element do they add into their own? Every thread must reach the barrier after each step, active or not.
  if (tid == 0) {
    out[blockIdx.x] = partial[0];
  }
}

/// @brief Version "sequential": the same tree with the active threads packed at the front.
///
/// At step s (s = BLOCK/2, BLOCK/4, ..., 1) the first s threads add element tid + s into element tid. The active
/// threads are now whole warps (until s < 32), so a warp either works or skips the step.
template <class T>
__global__ void reduce_kernel_sequential(const T* in, T* out, std::int64_t n) {
  __shared__ T partial[BLOCK];
  const unsigned tid = threadIdx.x;
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * BLOCK + tid;
  partial[tid] = i < n ? in[i] : T(0);
  __syncthreads();
  // TODO(lab05): the tree again, with s halving from BLOCK / 2 down to 1. Which threads are active at step s, and where is the element each one adds? (Draw it for 8 threads first.)
  if (tid == 0) {
    out[blockIdx.x] = partial[0];
  }
}

/// @brief Version "first_add": as "sequential", but each block covers 2 * BLOCK elements and every thread adds two
/// of them while loading, so no thread idles through the load and half as many blocks run.
template <class T>
__global__ void reduce_kernel_first_add(const T* in, T* out, std::int64_t n) {
  __shared__ T partial[BLOCK];
  const unsigned tid = threadIdx.x;
  // TODO(lab05): each block now owns 2 * BLOCK elements. Which two does thread tid load (keep each warp's loads consecutive), and what does it store when one or both lie past n?
  partial[tid] = T(0);
  (void)in;
  (void)n;
  __syncthreads();
  for (unsigned s = BLOCK / 2; s > 0; s >>= 1) {
    if (tid < s) {
      partial[tid] += partial[tid + s];
    }
    __syncthreads();
  }
  if (tid == 0) {
    out[blockIdx.x] = partial[0];
  }
}

/// @brief The sum of @p v over the 32 lanes of the calling warp, in lane 0 (the other lanes hold partial sums).
///
/// All 32 lanes must call it together (it shuffles with FULL_MASK). Each step halves the number of lanes whose value
/// still matters: after offsets 16, 8, 4, 2, 1 lane 0 has seen every lane. No shared memory, no __syncthreads().
template <class T>
__device__ T warp_sum(T v) {
  // TODO(lab05): five steps of __shfl_down_sync(FULL_MASK, v, offset). Which offsets, in which order, so that lane 0 ends with all 32 values? (Every lane must execute every shuffle, even lanes whose result nobody uses.)
  (void)FULL_MASK;
  return v;
}

/// @brief The sum of @p v over the block's BLOCK threads, in thread 0. Every thread of the block must call it.
///
/// Each warp sums its 32 values with warp_sum(); lane 0 of each warp puts its warp's sum in shared memory; the first
/// warp sums those BLOCK / WARP values the same way.
template <class T>
__device__ T block_sum(T v) {
  __shared__ T warp_sums[WARP];
  const unsigned lane = threadIdx.x % WARP;
  const unsigned warp = threadIdx.x / WARP;
  v = warp_sum(v);
  if (lane == 0) {
    warp_sums[warp] = v;
  }
  __syncthreads();
  if (warp == 0) {
    // The whole first warp takes part, so the shuffles inside warp_sum() see all 32 lanes.
    v = lane < BLOCK / WARP ? warp_sums[lane] : T(0);
    v = warp_sum(v);
  }
  return v;
}

/// @brief Version "warp_shuffle": "first_add", with the last five steps of the tree done inside one warp by
/// shuffles (no shared memory and no __syncthreads() for them).
template <class T>
__global__ void reduce_kernel_warp_shuffle(const T* in, T* out, std::int64_t n) {
  __shared__ T partial[BLOCK];
  const unsigned tid = threadIdx.x;
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * (2 * BLOCK) + tid;
  T v = i < n ? in[i] : T(0);
  if (i + BLOCK < n) {
    v += in[i + BLOCK];
  }
  partial[tid] = v;
  __syncthreads();
  // TODO(lab05): the tree in shared memory only while more than one warp's worth of values is left; then the first warp adds its two halves of what is left and finishes with warp_sum(). Which threads call warp_sum(), and why must it be a whole warp?
  (void)v;
  if (tid == 0) {
    out[blockIdx.x] = partial[0];
  }
}

/// @brief Version "grid_stride": a grid sized to fill the GPU once, each thread summing many elements in a
/// grid-stride loop into a register, then one block_sum() per block. One partial sum per block.
template <class T>
__global__ void reduce_kernel_grid_stride(const T* in, T* out, std::int64_t n) {
  T v = T(0);
  // TODO(lab05): a grid-stride loop: where does thread (blockIdx.x, threadIdx.x) start, and how far does it jump each time so that the grid's threads together visit every element once, with consecutive threads reading consecutive elements?
  (void)in;
  (void)n;
  v = block_sum(v);
  if (threadIdx.x == 0) {
    out[blockIdx.x] = v;
  }
}

/// @brief Version "one_pass": "grid_stride" in a single launch. Every block writes its partial sum, then takes a
/// ticket; the block that draws the last ticket knows all partials are written and adds them up.
///
/// The last block adds the partials in index order, whatever order the blocks finished in, so the float result is
/// the same on every run (an atomicAdd of each block's sum into *out would not be: its order changes the rounding).
/// @param partials gridDim.x elements of workspace.
/// @param tickets a counter that is 0 at launch; the kernel leaves it 0.
template <class T>
__global__ void reduce_kernel_one_pass(const T* in, T* out, std::int64_t n, T* partials, unsigned* tickets) {
  __shared__ bool is_last;
  T v = T(0);
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * BLOCK;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * BLOCK + threadIdx.x; i < n; i += stride) {
    v += in[i];
  }
  v = block_sum(v);
  // TODO(lab05): thread 0 publishes the block's partial, makes sure other blocks can see it before it takes a ticket (which fence?), takes a ticket with an atomic, and tells its block whether it was the last one. Then the last block sums all the partials in a fixed order, writes *out and resets the counter for the next launch.
  (void)out;
  (void)partials;
  (void)tickets;
  (void)is_last;
}

/// @brief Version "cub_block": "grid_stride" with cub::BlockReduce as the block-level sum. CUB picks the tree (warp
/// shuffles and shared memory, as block_sum() does); the kernel, the loop and the launch stay ours.
template <class T>
__global__ void reduce_kernel_cub_block(const T* in, T* out, std::int64_t n) {
  using block_reduce = cub::BlockReduce<T, BLOCK>;
  __shared__ typename block_reduce::TempStorage temp;
  T v = T(0);
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * BLOCK;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * BLOCK + threadIdx.x; i < n; i += stride) {
    v += in[i];
  }
  // TODO(lab05): the block's sum with block_reduce and its shared TempStorage (every thread calls it; which thread holds the result?)
  (void)temp;
  if (threadIdx.x == 0) {
    out[blockIdx.x] = v;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Launchers
//
// The first four versions sum a fixed number of elements per block, so a level of the tree leaves one partial per
// block; the launcher runs them level after level (n -> n / 256 or n / 512 -> ...) until one block is left, which
// writes *out. The partials ping-pong between two regions of the workspace. grid_stride and cub_block use two
// levels; one_pass one launch.

namespace {

/// Bytes per workspace element (float and int alike).
constexpr std::size_t ELEM = sizeof(float);
/// Where the regions of a workspace start: a multiple of 256 bytes, as cudaMalloc would align them.
constexpr std::size_t ALIGN = 256;
/// What Thrust may allocate on top of CUB's scratch (its result, alignment): generous; checked on every allocation.
constexpr std::size_t THRUST_SLACK = 4096;

std::size_t round_up(std::size_t bytes) { return (bytes + ALIGN - 1) / ALIGN * ALIGN; }

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

/// Elements one block of a multi-level version consumes.
std::int64_t elements_per_block(std::string_view version) {
  return version == "interleaved" || version == "sequential" ? BLOCK : 2 * BLOCK;
}

bool is_multi_level(std::string_view version) {
  return version == "interleaved" || version == "sequential" || version == "first_add" || version == "warp_shuffle";
}

/// Blocks of a grid that fills the current GPU once: as many blocks of BLOCK threads as its SMs hold at a time.
std::int64_t full_grid_blocks() {
  int device = 0;
  WS_CUDA_CHECK(cudaGetDevice(&device));
  int sms = 0;
  WS_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  int threads_per_sm = 0;
  WS_CUDA_CHECK(cudaDeviceGetAttribute(&threads_per_sm, cudaDevAttrMaxThreadsPerMultiProcessor, device));
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(sms) * std::max(1, threads_per_sm / BLOCK));
}

/// Blocks of the grid-stride versions for n elements: enough to fill the GPU, no more than the elements need.
std::int64_t grid_stride_blocks(std::int64_t n) {
  return std::clamp<std::int64_t>(ceil_div(n, BLOCK), 1, full_grid_blocks());
}

/// A one-dimensional grid of @p blocks, checked against the hardware limit (2^31 - 1 blocks in x).
dim3 grid_of(std::int64_t blocks) {
  if (blocks > std::numeric_limits<int>::max()) {
    throw std::invalid_argument("lab05: " + std::to_string(blocks) + " blocks exceed the grid limit");
  }
  return dim3(static_cast<unsigned>(blocks));
}

std::size_t cub_device_bytes(std::int64_t n) {
  std::size_t float_bytes = 0;
  std::size_t int_bytes = 0;
  WS_CUDA_CHECK(cub::DeviceReduce::Sum(nullptr, float_bytes, static_cast<const float*>(nullptr),
                                       static_cast<float*>(nullptr), n));
  WS_CUDA_CHECK(cub::DeviceReduce::Sum(nullptr, int_bytes, static_cast<const int*>(nullptr),
                                       static_cast<int*>(nullptr), n));
  return std::max(float_bytes, int_bytes);
}


void require_workspace(std::string_view version, std::int64_t n, std::size_t bytes) {
  const std::size_t need = reduce_workspace_bytes(version, n);
  if (bytes < need) {
    throw std::invalid_argument("lab05: reduce version '" + std::string(version) + "' needs " + std::to_string(need) +
                                " bytes of workspace for n = " + std::to_string(n) + ", got " +
                                std::to_string(bytes));
  }
}

/// Runs a multi-level version: one launch per level of partial sums, the last level writes *out.
template <class T>
void launch_levels(void (*kernel)(const T*, T*, std::int64_t), std::int64_t per_block, const T* in, T* out,
                   std::int64_t n, void* workspace) {
  const std::int64_t first_blocks = ceil_div(n, per_block);
  T* regions[2] = {static_cast<T*>(workspace), nullptr};  // the second region exists only for three levels or more
  if (first_blocks > per_block) {
    regions[1] = reinterpret_cast<T*>(static_cast<char*>(workspace) + round_up(first_blocks * ELEM));
  }
  const T* src = in;
  std::int64_t count = n;
  for (int level = 0;; ++level) {
    const std::int64_t blocks = std::max<std::int64_t>(1, ceil_div(count, per_block));
    T* dst = blocks == 1 ? out : regions[level % 2];
    kernel<<<grid_of(blocks), BLOCK>>>(src, dst, count);
    WS_CUDA_CHECK_LAST();
    if (blocks == 1) {
      return;
    }
    src = dst;
    count = blocks;
  }
}

/// grid_stride and cub_block: partials of a full grid, then one block sums them.
template <class T>
void launch_two_levels(void (*kernel)(const T*, T*, std::int64_t), const T* in, T* out, std::int64_t n,
                       void* workspace) {
  const std::int64_t blocks = grid_stride_blocks(n);
  if (blocks == 1) {
    kernel<<<1, BLOCK>>>(in, out, n);
    WS_CUDA_CHECK_LAST();
    return;
  }
  T* partials = static_cast<T*>(workspace);
  kernel<<<grid_of(blocks), BLOCK>>>(in, partials, n);
  WS_CUDA_CHECK_LAST();
  kernel<<<1, BLOCK>>>(partials, out, blocks);
  WS_CUDA_CHECK_LAST();
}

template <class T>
void launch_one_pass(const T* in, T* out, std::int64_t n, void* workspace) {
  const std::int64_t blocks = grid_stride_blocks(n);
  auto* tickets = static_cast<unsigned*>(workspace);
  T* partials = reinterpret_cast<T*>(static_cast<char*>(workspace) + ALIGN);
  // The counter must start at 0; the kernel leaves it 0, but a launch that failed half-way would not have.
  WS_CUDA_CHECK(cudaMemsetAsync(tickets, 0, sizeof(unsigned)));
  reduce_kernel_one_pass<T><<<grid_of(blocks), BLOCK>>>(in, out, n, partials, tickets);
  WS_CUDA_CHECK_LAST();
}

template <class T>
void launch_cub_device(const T* in, T* out, std::int64_t n, void* workspace, std::size_t workspace_bytes) {
  // TODO(lab05): one call to cub::DeviceReduce::Sum with our workspace as its temporary storage (its size is the second argument, and CUB writes the sum to out), checked with WS_CUDA_CHECK
  (void)in;
  (void)out;
  (void)n;
  (void)workspace;
  (void)workspace_bytes;
}

template <class T>
void launch_thrust(const T* in, T* out, std::int64_t n, void* workspace, std::size_t workspace_bytes) {
  detail::thrust_workspace_allocator scratch(workspace, workspace_bytes);
  // TODO(lab05): thrust::reduce over [in, in + n) with the policy thrust::device(scratch), so that Thrust takes its scratch from our workspace; it returns the sum to the host: how does it get to *out on the device?
  (void)in;
  (void)out;
  (void)n;
}

template <class T>
void launch_reduce_sum_impl(std::string_view version, const T* in, T* out, std::int64_t n, void* workspace,
                            std::size_t workspace_bytes) {
  require_workspace(version, n, workspace_bytes);  // also rejects an unknown version and n < 0
  if (version == "interleaved") {
    launch_levels<T>(reduce_kernel_interleaved<T>, BLOCK, in, out, n, workspace);
  } else if (version == "sequential") {
    launch_levels<T>(reduce_kernel_sequential<T>, BLOCK, in, out, n, workspace);
  } else if (version == "first_add") {
    launch_levels<T>(reduce_kernel_first_add<T>, 2 * BLOCK, in, out, n, workspace);
  } else if (version == "warp_shuffle") {
    launch_levels<T>(reduce_kernel_warp_shuffle<T>, 2 * BLOCK, in, out, n, workspace);
  } else if (version == "grid_stride") {
    launch_two_levels<T>(reduce_kernel_grid_stride<T>, in, out, n, workspace);
  } else if (version == "one_pass") {
    launch_one_pass<T>(in, out, n, workspace);
  } else if (version == "cub_block") {
    launch_two_levels<T>(reduce_kernel_cub_block<T>, in, out, n, workspace);
  } else if (n == 0) {
    // The libraries' sum of nothing is 0 too; a kernel of ours writes it (Thrust would copy from the host).
    launch_levels<T>(reduce_kernel_sequential<T>, BLOCK, in, out, 0, workspace);
  } else if (version == "cub_device") {
    launch_cub_device<T>(in, out, n, workspace, workspace_bytes);
  } else {
    launch_thrust<T>(in, out, n, workspace, workspace_bytes);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Dispatcher

std::size_t reduce_workspace_bytes(std::string_view version, std::int64_t n) {
  if (n < 0) {
    throw std::invalid_argument("lab05: reduce: n = " + std::to_string(n) + " is negative");
  }
  if (is_multi_level(version)) {
    const std::int64_t per_block = elements_per_block(version);
    const std::int64_t first = ceil_div(n, per_block);
    const std::int64_t second = ceil_div(first, per_block);
    if (first <= 1) {
      return 0;
    }
    return round_up(first * ELEM) + (second > 1 ? round_up(second * ELEM) : 0);
  }
  if (version == "grid_stride" || version == "cub_block") {
    const std::int64_t blocks = grid_stride_blocks(n);
    return blocks > 1 ? round_up(blocks * ELEM) : 0;
  }
  if (version == "one_pass") {
    return ALIGN + round_up(grid_stride_blocks(n) * ELEM);
  }
  if (version == "cub_device") {
    return n == 0 ? 0 : cub_device_bytes(n);
  }
  if (version == "thrust") {
    return n == 0 ? 0 : cub_device_bytes(n) + THRUST_SLACK;
  }
  throw std::invalid_argument("lab05: unknown reduce version '" + std::string(version) + "'");
}

void launch_reduce_sum(std::string_view version, const float* in, float* out, std::int64_t n, void* workspace,
                       std::size_t workspace_bytes) {
  launch_reduce_sum_impl<float>(version, in, out, n, workspace, workspace_bytes);
}

void launch_reduce_sum(std::string_view version, const int* in, int* out, std::int64_t n, void* workspace,
                       std::size_t workspace_bytes) {
  launch_reduce_sum_impl<int>(version, in, out, n, workspace, workspace_bytes);
}

}  // namespace lab05
