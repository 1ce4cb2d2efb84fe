/// @file
/// @brief `cub::WarpReduce` for the cudacpu backend: a real warp collective made of `__shfl_down_sync` steps, run by
///        the lanes (fibers) of one logical warp, with CUB's signatures and TempStorage protocol.
///
/// Every lane of the logical warp must call the same member at the same line; a lane that exits first, or waits
/// elsewhere, is reported by the backend as for any shuffle. The result is right in the logical warp's first lane
/// only (the other lanes hold partial sums of their own subtree, as on a GPU: do not use them).
#pragma once

#include "../detail/cudacpu_backend.cuh"

namespace cub {

/// Cooperative reduction across the lanes of a logical warp (CUB's interface).
/// @tparam T the item type (trivially copyable)
/// @tparam LOGICAL_WARP_THREADS lanes per logical warp: a power of two from 1 to 32 (32 = the hardware warp)
template <typename T, int LOGICAL_WARP_THREADS = 32>
class WarpReduce {
  static_assert(LOGICAL_WARP_THREADS >= 1 && LOGICAL_WARP_THREADS <= 32 &&
                    (LOGICAL_WARP_THREADS & (LOGICAL_WARP_THREADS - 1)) == 0,
                "cudacpu's cub::WarpReduce supports LOGICAL_WARP_THREADS = 1, 2, 4, 8, 16 or 32 (see docs/cudacpu.md)");

 public:
  /// Shared memory the reduction needs. Shuffles need none; it exists so that code written for CUB's protocol
  /// (`__shared__ typename WarpReduce::TempStorage temp[WARPS];`) compiles unchanged.
  struct TempStorage {
    unsigned char unused;  ///< placeholder byte
  };

  /// Binds the reduction to (unused) temporary storage.
  __device__ WarpReduce(TempStorage& temp_storage) { (void)temp_storage; }

  /// Sum of @p input over the logical warp; right in its first lane only.
  __device__ T Sum(T input, cudacpu::source_location where = cudacpu::source_location::current()) {
    return cudacpu_detail::warp_reduce(input, cudacpu_detail::add{}, LOGICAL_WARP_THREADS, LOGICAL_WARP_THREADS, where);
  }
  /// Sum of the first @p valid_items lanes' inputs (the others are ignored; every lane still calls it).
  __device__ T Sum(T input, int valid_items, cudacpu::source_location where = cudacpu::source_location::current()) {
    return cudacpu_detail::warp_reduce(input, cudacpu_detail::add{}, valid_items, LOGICAL_WARP_THREADS, where);
  }
  /// Reduction of @p input with @p reduction_op (associative); right in the first lane only.
  template <typename ReductionOp>
  __device__ T Reduce(T input, ReductionOp reduction_op,
                      cudacpu::source_location where = cudacpu::source_location::current()) {
    return cudacpu_detail::warp_reduce(input, reduction_op, LOGICAL_WARP_THREADS, LOGICAL_WARP_THREADS, where);
  }
  /// Reduction of the first @p valid_items lanes' inputs with @p reduction_op.
  template <typename ReductionOp>
  __device__ T Reduce(T input, ReductionOp reduction_op, int valid_items,
                      cudacpu::source_location where = cudacpu::source_location::current()) {
    return cudacpu_detail::warp_reduce(input, reduction_op, valid_items, LOGICAL_WARP_THREADS, where);
  }
};

}  // namespace cub
