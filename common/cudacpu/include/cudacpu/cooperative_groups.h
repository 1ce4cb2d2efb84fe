/// @file
/// @brief A small subset of CUDA's cooperative groups for the cudacpu backend: `this_thread_block()`,
///        `tiled_partition<N>()` (N a power of two, at most 32), their `sync`/rank/size queries, tile shuffles and
///        votes, and `reduce` with `plus`/`less`/`greater`. Grid-wide groups (`this_grid().sync()`) are absent.
#pragma once

#include "kernel.h"
#include "warp.h"

namespace cooperative_groups {

/// The thread block of the calling thread.
class thread_block {
 public:
  /// Block barrier (`__syncthreads`).
  void sync(cudacpu::source_location where = cudacpu::source_location::current()) const { __syncthreads(where); }
  /// Linear index of the calling thread in the block.
  unsigned long long thread_rank() const {
    return threadIdx.x + blockDim.x * (threadIdx.y + static_cast<unsigned long long>(blockDim.y) * threadIdx.z);
  }
  /// Threads in the block.
  unsigned long long size() const { return static_cast<unsigned long long>(blockDim.x) * blockDim.y * blockDim.z; }
  /// Threads in the block.
  unsigned long long num_threads() const { return size(); }
  /// blockIdx.
  dim3 group_index() const { return dim3(blockIdx); }
  /// threadIdx.
  dim3 thread_index() const { return dim3(threadIdx); }
  /// blockDim.
  dim3 dim_threads() const { return blockDim; }
  /// blockDim (older name).
  dim3 group_dim() const { return blockDim; }
};

/// The calling thread's block.
inline thread_block this_thread_block() { return thread_block(); }
/// Block barrier.
inline void sync(const thread_block& g, cudacpu::source_location where = cudacpu::source_location::current()) {
  g.sync(where);
}

/// A statically sized tile of Size consecutive threads (within one warp).
template <unsigned Size, class Parent = void>
class thread_block_tile {
  static_assert(Size >= 1 && Size <= 32 && (Size & (Size - 1)) == 0, "tile sizes are powers of two up to 32");

 public:
  /// Lanes of this tile within the warp.
  unsigned mask() const {
    const unsigned lane = cudacpu::detail::lane_id();
    const unsigned base = lane & ~(Size - 1u);
    return (Size == 32 ? 0xffffffffu : ((1u << Size) - 1u)) << base;
  }
  /// Tile barrier (`__syncwarp` over the tile).
  void sync(cudacpu::source_location where = cudacpu::source_location::current()) const {
    __syncwarp(mask(), where);
  }
  /// Rank within the tile.
  unsigned thread_rank() const { return cudacpu::detail::lane_id() & (Size - 1u); }
  /// Threads in the tile.
  static constexpr unsigned size() { return Size; }
  /// Threads in the tile.
  static constexpr unsigned num_threads() { return Size; }
  /// Index of this tile in the block.
  unsigned meta_group_rank() const { return static_cast<unsigned>(thread_block().thread_rank() / Size); }
  /// Tiles in the block.
  unsigned meta_group_size() const { return static_cast<unsigned>((thread_block().size() + Size - 1) / Size); }
  /// Value of `var` on tile rank `src`.
  template <class T>
  T shfl(T var, int src, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return __shfl_sync(mask(), var, src, static_cast<int>(Size), where);
  }
  /// Value of `var` `delta` ranks up.
  template <class T>
  T shfl_down(T var, unsigned delta, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return __shfl_down_sync(mask(), var, delta, static_cast<int>(Size), where);
  }
  /// Value of `var` `delta` ranks down.
  template <class T>
  T shfl_up(T var, unsigned delta, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return __shfl_up_sync(mask(), var, delta, static_cast<int>(Size), where);
  }
  /// Value of `var` on rank `thread_rank() ^ lane_mask`.
  template <class T>
  T shfl_xor(T var, int lane_mask, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return __shfl_xor_sync(mask(), var, lane_mask, static_cast<int>(Size), where);
  }
  /// Non-zero when any rank's predicate is.
  int any(int pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return __any_sync(mask(), pred, where);
  }
  /// Non-zero when every rank's predicate is.
  int all(int pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    return __all_sync(mask(), pred, where);
  }
  /// Bit r set when rank r's predicate is non-zero.
  unsigned ballot(int pred, cudacpu::source_location where = cudacpu::source_location::current()) const {
    const unsigned lane = cudacpu::detail::lane_id();
    return __ballot_sync(mask(), pred, where) >> (lane & ~(Size - 1u));
  }
};

/// Splits a block into tiles of Size threads.
template <unsigned Size, class ParentT>
thread_block_tile<Size> tiled_partition(const ParentT&) {
  return thread_block_tile<Size>();
}

/// Addition for reduce().
template <class T>
struct plus {
  /// a + b.
  T operator()(const T& a, const T& b) const { return a + b; }
};
/// Minimum for reduce().
template <class T>
struct less {
  /// min(a, b).
  T operator()(const T& a, const T& b) const { return b < a ? b : a; }
};
/// Maximum for reduce().
template <class T>
struct greater {
  /// max(a, b).
  T operator()(const T& a, const T& b) const { return a < b ? b : a; }
};

/// Reduces `value` over a tile with `op`; every rank gets the result.
template <unsigned Size, class P, class T, class Op>
T reduce(const thread_block_tile<Size, P>& tile, T value, Op op) {
  for (unsigned offset = Size / 2; offset > 0; offset /= 2) value = op(value, tile.shfl_xor(value, static_cast<int>(offset)));
  return value;
}

}  // namespace cooperative_groups
