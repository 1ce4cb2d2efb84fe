/// @file
/// @brief `cub::BlockReduce` for the cudacpu backend: a real block collective (warp shuffles, shared memory,
///        `__syncthreads()`) run by the block's threads (fibers), with CUB's signatures and TempStorage protocol.
///
/// How it cooperates (CUB's BLOCK_REDUCE_WARP_REDUCTIONS; the other algorithms are accepted and run the same way):
/// 1. each warp reduces its lanes with `__shfl_down_sync` steps (tree order);
/// 2. lane 0 of each warp writes the warp's aggregate to TempStorage;
/// 3. `__syncthreads()`;
/// 4. thread 0 combines the warp aggregates left to right and returns the block's aggregate.
///
/// As in CUB, **the result is right in thread 0 only**: the first lane of every other warp returns its warp's
/// aggregate and the other lanes partial sums. Every thread of the block must call the same member (a thread that
/// waits at another `__syncthreads()` is a divergent barrier; one that has exited counts as arrived, and the
/// missing warp aggregates are then the uninitialised shared memory a GPU would read). Before TempStorage is used
/// again (another call, or a union member) the block needs a `__syncthreads()`: thread 0 reads it after the others
/// have returned. The block must have exactly BLOCK_DIM_X x BLOCK_DIM_Y x BLOCK_DIM_Z threads (checked).
#pragma once

#include "../detail/cudacpu_backend.cuh"

namespace cub {

/// CUB's block reduction algorithms. All three compile; the stand-in runs the warp-reductions algorithm for each.
enum BlockReduceAlgorithm {
  BLOCK_REDUCE_RAKING_COMMUTATIVE_ONLY,  ///< raking, for commutative operators
  BLOCK_REDUCE_RAKING,                   ///< raking, any associative operator
  BLOCK_REDUCE_WARP_REDUCTIONS,          ///< a reduction per warp, then across warps (the default)
};

/// Cooperative reduction across a thread block (CUB's interface).
/// @tparam T           the item type (trivially copyable)
/// @tparam BLOCK_DIM_X threads in x (the block's blockDim.x)
/// @tparam ALGORITHM   accepted for compatibility (see BlockReduceAlgorithm)
/// @tparam BLOCK_DIM_Y threads in y
/// @tparam BLOCK_DIM_Z threads in z
template <typename T, int BLOCK_DIM_X, BlockReduceAlgorithm ALGORITHM = BLOCK_REDUCE_WARP_REDUCTIONS,
          int BLOCK_DIM_Y = 1, int BLOCK_DIM_Z = 1>
class BlockReduce {
  static_assert(BLOCK_DIM_X >= 1 && BLOCK_DIM_Y >= 1 && BLOCK_DIM_Z >= 1 &&
                    BLOCK_DIM_X * BLOCK_DIM_Y * BLOCK_DIM_Z <= 1024,
                "cub::BlockReduce: a block has 1 to 1024 threads");

  static constexpr int block_threads = BLOCK_DIM_X * BLOCK_DIM_Y * BLOCK_DIM_Z;
  static constexpr int warps = (block_threads + cudacpu_detail::warp_threads - 1) / cudacpu_detail::warp_threads;

  /// What the threads share: one aggregate per warp.
  struct shared_state {
    T warp_aggregates[warps];
  };

 public:
  /// Shared memory for one reduction at a time: declare it `__shared__` (possibly in a union with other
  /// primitives' TempStorage) and pass it to the constructor.
  struct TempStorage : cudacpu_detail::raw_storage<shared_state> {};

  /// Uses a private `__shared__` TempStorage (one per BlockReduce type and block).
  __device__ BlockReduce(cudacpu::source_location where = cudacpu::source_location::current())
      : temp_(cudacpu::shared_variable<TempStorage>([] {}, where).get()),
        rank_(cudacpu_detail::checked_block_rank<BLOCK_DIM_X, BLOCK_DIM_Y, BLOCK_DIM_Z>("BlockReduce", where)) {
    cudacpu_detail::check_item_type<T>();
  }
  /// Uses @p temp_storage, which the block's threads share.
  __device__ BlockReduce(TempStorage& temp_storage,
                         cudacpu::source_location where = cudacpu::source_location::current())
      : temp_(temp_storage.get()),
        rank_(cudacpu_detail::checked_block_rank<BLOCK_DIM_X, BLOCK_DIM_Y, BLOCK_DIM_Z>("BlockReduce", where)) {
    cudacpu_detail::check_item_type<T>();
  }

  /// Reduction of every thread's @p input with @p reduction_op (associative); right in thread 0 only.
  template <typename ReductionOp>
  __device__ T Reduce(T input, ReductionOp reduction_op,
                      cudacpu::source_location where = cudacpu::source_location::current()) {
    return reduce(input, reduction_op, block_threads, where);
  }
  /// Reduction of the ITEMS_PER_THREAD items of every thread (each thread's combined left to right first).
  template <int ITEMS_PER_THREAD, typename ReductionOp>
  __device__ T Reduce(T (&inputs)[ITEMS_PER_THREAD], ReductionOp reduction_op,
                      cudacpu::source_location where = cudacpu::source_location::current()) {
    return reduce(thread_reduce(inputs, reduction_op), reduction_op, block_threads, where);
  }
  /// Reduction of the inputs of the first @p num_valid threads (ranks 0 .. num_valid-1); the other threads still
  /// call it, their inputs are ignored. num_valid >= 1.
  template <typename ReductionOp>
  __device__ T Reduce(T input, ReductionOp reduction_op, int num_valid,
                      cudacpu::source_location where = cudacpu::source_location::current()) {
    return reduce(input, reduction_op, num_valid, where);
  }
  /// Sum (`+`) of every thread's @p input; right in thread 0 only.
  __device__ T Sum(T input, cudacpu::source_location where = cudacpu::source_location::current()) {
    return reduce(input, cudacpu_detail::add{}, block_threads, where);
  }
  /// Sum of the ITEMS_PER_THREAD items of every thread.
  template <int ITEMS_PER_THREAD>
  __device__ T Sum(T (&inputs)[ITEMS_PER_THREAD],
                   cudacpu::source_location where = cudacpu::source_location::current()) {
    return reduce(thread_reduce(inputs, cudacpu_detail::add{}), cudacpu_detail::add{}, block_threads, where);
  }
  /// Sum of the inputs of the first @p num_valid threads; num_valid >= 1.
  __device__ T Sum(T input, int num_valid, cudacpu::source_location where = cudacpu::source_location::current()) {
    return reduce(input, cudacpu_detail::add{}, num_valid, where);
  }

 private:
  /// One thread's items combined left to right.
  template <int N, typename Op>
  static T thread_reduce(T (&items)[N], Op op) {
    T acc = items[0];
    for (int i = 1; i < N; ++i) acc = static_cast<T>(op(acc, items[i]));
    return acc;
  }

  /// The algorithm of the file comment, over ranks [0, num_valid).
  template <typename Op>
  T reduce(T input, Op op, int num_valid, cudacpu::source_location where) {
    const int valid = num_valid < block_threads ? num_valid : block_threads;
    const int warp = rank_ / cudacpu_detail::warp_threads;
    const int lane = rank_ % cudacpu_detail::warp_threads;
    const int first = warp * cudacpu_detail::warp_threads;
    int warp_valid = valid - first;
    if (warp_valid > cudacpu_detail::warp_threads) warp_valid = cudacpu_detail::warp_threads;
    T aggregate = cudacpu_detail::warp_reduce(input, op, warp_valid, cudacpu_detail::warp_threads, where);
    if (lane == 0 && warp_valid > 0) temp_.warp_aggregates[warp] = aggregate;
    __syncthreads(where);
    if (rank_ == 0) {
      const int valid_warps = (valid + cudacpu_detail::warp_threads - 1) / cudacpu_detail::warp_threads;
      for (int w = 1; w < valid_warps; ++w) aggregate = static_cast<T>(op(aggregate, temp_.warp_aggregates[w]));
    }
    return aggregate;
  }

  shared_state& temp_;
  int rank_;
};

}  // namespace cub
