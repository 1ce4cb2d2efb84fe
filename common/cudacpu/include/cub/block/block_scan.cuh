/// @file
/// @brief `cub::BlockScan` for the cudacpu backend: a real block collective (warp shuffles, shared memory,
///        `__syncthreads()`) run by the block's threads (fibers), with CUB's signatures and TempStorage protocol.
///
/// How it cooperates (CUB's BLOCK_SCAN_WARP_SCANS; the other algorithms are accepted and run the same way):
/// 1. each warp scans its lanes with `__shfl_up_sync` steps (Hillis-Steele), and shifts the result one lane up for
///    the exclusive scan;
/// 2. the last lane of each warp writes the warp's aggregate to TempStorage;
/// 3. `__syncthreads()`;
/// 4. every thread combines the aggregates of the warps before its own (left to right) into its warp's prefix,
///    and all of them into the block aggregate;
/// 5. with a prefix callback, the first warp calls it with the block aggregate, lane 0 stores what it returns,
///    `__syncthreads()`, and every thread puts that prefix in front of its result.
///
/// Every thread of the block must call the same member; before TempStorage is used again the block needs a
/// `__syncthreads()` (the threads read it after the barrier inside the call). As in CUB, an exclusive scan without
/// an initial value leaves thread 0's output undefined. Items are in a *blocked* arrangement: thread i holds items
/// i*ITEMS_PER_THREAD ... The block must have exactly BLOCK_DIM_X x BLOCK_DIM_Y x BLOCK_DIM_Z threads (checked).
#pragma once

#include "../detail/cudacpu_backend.cuh"

namespace cub {

/// CUB's block scan algorithms. All three compile; the stand-in runs the warp-scans algorithm for each.
enum BlockScanAlgorithm {
  BLOCK_SCAN_RAKING,          ///< raking (the default)
  BLOCK_SCAN_RAKING_MEMOIZE,  ///< raking, keeping the raking segment in registers
  BLOCK_SCAN_WARP_SCANS,      ///< a scan per warp, then across warps
};

/// Cooperative prefix scan across a thread block (CUB's interface).
/// @tparam T           the item type (trivially copyable)
/// @tparam BLOCK_DIM_X threads in x (the block's blockDim.x)
/// @tparam ALGORITHM   accepted for compatibility (see BlockScanAlgorithm)
/// @tparam BLOCK_DIM_Y threads in y
/// @tparam BLOCK_DIM_Z threads in z
template <typename T, int BLOCK_DIM_X, BlockScanAlgorithm ALGORITHM = BLOCK_SCAN_RAKING, int BLOCK_DIM_Y = 1,
          int BLOCK_DIM_Z = 1>
class BlockScan {
  static_assert(BLOCK_DIM_X >= 1 && BLOCK_DIM_Y >= 1 && BLOCK_DIM_Z >= 1 &&
                    BLOCK_DIM_X * BLOCK_DIM_Y * BLOCK_DIM_Z <= 1024,
                "cub::BlockScan: a block has 1 to 1024 threads");

  static constexpr int block_threads = BLOCK_DIM_X * BLOCK_DIM_Y * BLOCK_DIM_Z;
  static constexpr int warps = (block_threads + cudacpu_detail::warp_threads - 1) / cudacpu_detail::warp_threads;

  /// What the threads share: one aggregate per warp, and the prefix a callback returned.
  struct shared_state {
    T warp_aggregates[warps];
    T block_prefix;
  };

  /// One thread's share of a scan before any initial value or callback prefix is applied.
  struct parts {
    T inclusive;        ///< op over ranks 0 .. rank
    T exclusive;        ///< op over ranks 0 .. rank-1 (undefined in thread 0)
    T block_aggregate;  ///< op over all ranks
  };

 public:
  /// Shared memory for one scan at a time: declare it `__shared__` (possibly in a union with other primitives'
  /// TempStorage) and pass it to the constructor.
  struct TempStorage : cudacpu_detail::raw_storage<shared_state> {};

  /// Uses a private `__shared__` TempStorage (one per BlockScan type and block).
  __device__ BlockScan(cudacpu::source_location where = cudacpu::source_location::current())
      : temp_(cudacpu::shared_variable<TempStorage>([] {}, where).get()),
        rank_(cudacpu_detail::checked_block_rank<BLOCK_DIM_X, BLOCK_DIM_Y, BLOCK_DIM_Z>("BlockScan", where)) {
    cudacpu_detail::check_item_type<T>();
  }
  /// Uses @p temp_storage, which the block's threads share.
  __device__ BlockScan(TempStorage& temp_storage, cudacpu::source_location where = cudacpu::source_location::current())
      : temp_(temp_storage.get()),
        rank_(cudacpu_detail::checked_block_rank<BLOCK_DIM_X, BLOCK_DIM_Y, BLOCK_DIM_Z>("BlockScan", where)) {
    cudacpu_detail::check_item_type<T>();
  }

  // ---- exclusive sums (initial value T{}, i.e. 0) ----

  /// output = sum of the inputs of the ranks before this one (0 in thread 0).
  __device__ void ExclusiveSum(T input, T& output,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    T aggregate;
    ExclusiveScan(input, output, T{}, cudacpu_detail::add{}, aggregate, where);
  }
  /// Also gives every thread the sum of all inputs.
  __device__ void ExclusiveSum(T input, T& output, T& block_aggregate,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    ExclusiveScan(input, output, T{}, cudacpu_detail::add{}, block_aggregate, where);
  }
  /// The first warp calls `block_prefix_callback_op(block_aggregate)`; lane 0's return value is added in front of
  /// every output (a running total across tiles).
  template <typename BlockPrefixCallbackOp>
  __device__ void ExclusiveSum(T input, T& output, BlockPrefixCallbackOp& block_prefix_callback_op,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    ExclusiveScan(input, output, cudacpu_detail::add{}, block_prefix_callback_op, where);
  }
  /// Blocked arrangement: ITEMS_PER_THREAD items per thread.
  template <int ITEMS_PER_THREAD>
  __device__ void ExclusiveSum(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD],
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    T aggregate;
    ExclusiveScan(input, output, T{}, cudacpu_detail::add{}, aggregate, where);
  }
  /// Blocked arrangement, with the sum of all items.
  template <int ITEMS_PER_THREAD>
  __device__ void ExclusiveSum(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD], T& block_aggregate,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    ExclusiveScan(input, output, T{}, cudacpu_detail::add{}, block_aggregate, where);
  }
  /// Blocked arrangement, with a prefix callback.
  template <int ITEMS_PER_THREAD, typename BlockPrefixCallbackOp>
  __device__ void ExclusiveSum(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD],
                               BlockPrefixCallbackOp& block_prefix_callback_op,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    ExclusiveScan(input, output, cudacpu_detail::add{}, block_prefix_callback_op, where);
  }

  // ---- exclusive scans ----

  /// output = initial_value op (inputs of the ranks before this one); thread 0 gets initial_value.
  template <typename ScanOp>
  __device__ void ExclusiveScan(T input, T& output, T initial_value, ScanOp scan_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    T aggregate;
    ExclusiveScan(input, output, initial_value, scan_op, aggregate, where);
  }
  /// Also gives every thread the aggregate of all inputs (without initial_value).
  template <typename ScanOp>
  __device__ void ExclusiveScan(T input, T& output, T initial_value, ScanOp scan_op, T& block_aggregate,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    const parts p = scan(input, scan_op, where);
    output = rank_ == 0 ? initial_value : static_cast<T>(scan_op(initial_value, p.exclusive));
    block_aggregate = p.block_aggregate;
  }
  /// Without an initial value: thread 0's output is undefined.
  template <typename ScanOp>
  __device__ void ExclusiveScan(T input, T& output, ScanOp scan_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    output = scan(input, scan_op, where).exclusive;
  }
  /// Without an initial value, with the aggregate of all inputs.
  template <typename ScanOp>
  __device__ void ExclusiveScan(T input, T& output, ScanOp scan_op, T& block_aggregate,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    const parts p = scan(input, scan_op, where);
    output = p.exclusive;
    block_aggregate = p.block_aggregate;
  }
  /// With a prefix callback (see ExclusiveSum); thread 0 gets the prefix.
  template <typename ScanOp, typename BlockPrefixCallbackOp>
  __device__ void ExclusiveScan(T input, T& output, ScanOp scan_op, BlockPrefixCallbackOp& block_prefix_callback_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    const parts p = scan(input, scan_op, where);
    const T prefix = callback_prefix(p.block_aggregate, block_prefix_callback_op, where);
    output = rank_ == 0 ? prefix : static_cast<T>(scan_op(prefix, p.exclusive));
  }
  /// Blocked arrangement with an initial value.
  template <int ITEMS_PER_THREAD, typename ScanOp>
  __device__ void ExclusiveScan(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD], T initial_value,
                                ScanOp scan_op, cudacpu::source_location where = cudacpu::source_location::current()) {
    T aggregate;
    ExclusiveScan(input, output, initial_value, scan_op, aggregate, where);
  }
  /// Blocked arrangement with an initial value and the aggregate of all items.
  template <int ITEMS_PER_THREAD, typename ScanOp>
  __device__ void ExclusiveScan(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD], T initial_value,
                                ScanOp scan_op, T& block_aggregate,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    T thread_prefix;
    ExclusiveScan(thread_reduce(input, scan_op), thread_prefix, initial_value, scan_op, block_aggregate, where);
    thread_exclusive(input, output, thread_prefix, scan_op);
  }
  /// Blocked arrangement with a prefix callback.
  template <int ITEMS_PER_THREAD, typename ScanOp, typename BlockPrefixCallbackOp>
  __device__ void ExclusiveScan(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD], ScanOp scan_op,
                                BlockPrefixCallbackOp& block_prefix_callback_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    T thread_prefix;
    ExclusiveScan(thread_reduce(input, scan_op), thread_prefix, scan_op, block_prefix_callback_op, where);
    thread_exclusive(input, output, thread_prefix, scan_op);
  }

  // ---- inclusive sums ----

  /// output = sum of the inputs of ranks 0 .. this one.
  __device__ void InclusiveSum(T input, T& output,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    InclusiveScan(input, output, cudacpu_detail::add{}, where);
  }
  /// Also gives every thread the sum of all inputs.
  __device__ void InclusiveSum(T input, T& output, T& block_aggregate,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    InclusiveScan(input, output, cudacpu_detail::add{}, block_aggregate, where);
  }
  /// With a prefix callback (see ExclusiveSum).
  template <typename BlockPrefixCallbackOp>
  __device__ void InclusiveSum(T input, T& output, BlockPrefixCallbackOp& block_prefix_callback_op,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    InclusiveScan(input, output, cudacpu_detail::add{}, block_prefix_callback_op, where);
  }
  /// Blocked arrangement.
  template <int ITEMS_PER_THREAD>
  __device__ void InclusiveSum(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD],
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    InclusiveScan(input, output, cudacpu_detail::add{}, where);
  }
  /// Blocked arrangement, with the sum of all items.
  template <int ITEMS_PER_THREAD>
  __device__ void InclusiveSum(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD], T& block_aggregate,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    InclusiveScan(input, output, cudacpu_detail::add{}, block_aggregate, where);
  }
  /// Blocked arrangement, with a prefix callback.
  template <int ITEMS_PER_THREAD, typename BlockPrefixCallbackOp>
  __device__ void InclusiveSum(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD],
                               BlockPrefixCallbackOp& block_prefix_callback_op,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    InclusiveScan(input, output, cudacpu_detail::add{}, block_prefix_callback_op, where);
  }

  // ---- inclusive scans ----

  /// output = op over the inputs of ranks 0 .. this one.
  template <typename ScanOp>
  __device__ void InclusiveScan(T input, T& output, ScanOp scan_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    output = scan(input, scan_op, where).inclusive;
  }
  /// Also gives every thread the aggregate of all inputs.
  template <typename ScanOp>
  __device__ void InclusiveScan(T input, T& output, ScanOp scan_op, T& block_aggregate,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    const parts p = scan(input, scan_op, where);
    output = p.inclusive;
    block_aggregate = p.block_aggregate;
  }
  /// With a prefix callback (see ExclusiveSum).
  template <typename ScanOp, typename BlockPrefixCallbackOp>
  __device__ void InclusiveScan(T input, T& output, ScanOp scan_op, BlockPrefixCallbackOp& block_prefix_callback_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    const parts p = scan(input, scan_op, where);
    const T prefix = callback_prefix(p.block_aggregate, block_prefix_callback_op, where);
    output = static_cast<T>(scan_op(prefix, p.inclusive));
  }
  /// Blocked arrangement.
  template <int ITEMS_PER_THREAD, typename ScanOp>
  __device__ void InclusiveScan(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD], ScanOp scan_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    T aggregate;
    InclusiveScan(input, output, scan_op, aggregate, where);
  }
  /// Blocked arrangement, with the aggregate of all items.
  template <int ITEMS_PER_THREAD, typename ScanOp>
  __device__ void InclusiveScan(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD], ScanOp scan_op,
                                T& block_aggregate,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    T thread_prefix;
    ExclusiveScan(thread_reduce(input, scan_op), thread_prefix, scan_op, block_aggregate, where);
    thread_inclusive(input, output, thread_prefix, rank_ != 0, scan_op);
  }
  /// Blocked arrangement, with a prefix callback.
  template <int ITEMS_PER_THREAD, typename ScanOp, typename BlockPrefixCallbackOp>
  __device__ void InclusiveScan(T (&input)[ITEMS_PER_THREAD], T (&output)[ITEMS_PER_THREAD], ScanOp scan_op,
                                BlockPrefixCallbackOp& block_prefix_callback_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    T thread_prefix;
    ExclusiveScan(thread_reduce(input, scan_op), thread_prefix, scan_op, block_prefix_callback_op, where);
    thread_inclusive(input, output, thread_prefix, true, scan_op);
  }

 private:
  /// One thread's items combined left to right.
  template <int N, typename Op>
  static T thread_reduce(T (&items)[N], Op op) {
    T acc = items[0];
    for (int i = 1; i < N; ++i) acc = static_cast<T>(op(acc, items[i]));
    return acc;
  }
  /// Exclusive scan of one thread's items seeded with @p prefix (read before writing: input may alias output).
  template <int N, typename Op>
  static void thread_exclusive(T (&input)[N], T (&output)[N], T prefix, Op op) {
    T running = prefix;
    for (int i = 0; i < N; ++i) {
      const T x = input[i];
      output[i] = running;
      running = static_cast<T>(op(running, x));
    }
  }
  /// Inclusive scan of one thread's items, seeded with @p prefix when @p has_prefix.
  template <int N, typename Op>
  static void thread_inclusive(T (&input)[N], T (&output)[N], T prefix, bool has_prefix, Op op) {
    T running = has_prefix ? static_cast<T>(op(prefix, input[0])) : input[0];
    output[0] = running;
    for (int i = 1; i < N; ++i) {
      running = static_cast<T>(op(running, input[i]));
      output[i] = running;
    }
  }

  /// Steps 1-4 of the file comment.
  template <typename Op>
  parts scan(T input, Op op, cudacpu::source_location where) {
    const int warp = rank_ / cudacpu_detail::warp_threads;
    const int lane = rank_ % cudacpu_detail::warp_threads;
    const int first = warp * cudacpu_detail::warp_threads;
    const int warp_size = std::min(block_threads - first, cudacpu_detail::warp_threads);  // the last may be partial
    const int last_lane = warp_size - 1;
    const unsigned mask = 0xffffffffu;
    T inclusive = cudacpu_detail::warp_inclusive_scan(input, op, cudacpu_detail::warp_threads, where);
    // Lane 0's shuffle up returns its own value: its exclusive result is undefined until a prefix is applied.
    T exclusive = cudacpu_detail::shuffle(cudacpu_detail::shuffle_kind::up, mask, inclusive, 1u,
                                          cudacpu_detail::warp_threads, where);
    if (lane == last_lane) temp_.warp_aggregates[warp] = inclusive;
    __syncthreads(where);
    T block_aggregate = temp_.warp_aggregates[0];
    T warp_prefix = block_aggregate;
    for (int w = 1; w < warps; ++w) {
      if (w == warp) warp_prefix = block_aggregate;
      block_aggregate = static_cast<T>(op(block_aggregate, temp_.warp_aggregates[w]));
    }
    if (warp > 0) {
      exclusive = lane == 0 ? warp_prefix : static_cast<T>(op(warp_prefix, exclusive));
      inclusive = static_cast<T>(op(warp_prefix, inclusive));
    }
    return parts{inclusive, exclusive, block_aggregate};
  }

  /// Step 5: the first warp asks the callback, lane 0 shares its answer.
  template <typename Callback>
  T callback_prefix(T block_aggregate, Callback& callback, cudacpu::source_location where) {
    if (rank_ < cudacpu_detail::warp_threads) {
      const T prefix = callback(block_aggregate);
      if (rank_ == 0) temp_.block_prefix = prefix;
    }
    __syncthreads(where);
    return temp_.block_prefix;
  }

  shared_state& temp_;
  int rank_;
};

}  // namespace cub
