/// @file
/// @brief `cub::WarpScan` for the cudacpu backend: a real warp collective made of `__shfl_up_sync` steps
///        (Hillis-Steele), run by the lanes (fibers) of one logical warp, with CUB's signatures.
///
/// Every lane of the logical warp must call the same member at the same line (the backend reports a lane that
/// exits first or waits elsewhere). The aggregate comes from the last lane with `__shfl_sync`. As in CUB, an
/// exclusive scan without an initial value leaves lane 0's output undefined, and the logical warps must be full.
#pragma once

#include "../detail/cudacpu_backend.cuh"

namespace cub {

/// Cooperative prefix scan across the lanes of a logical warp (CUB's interface).
/// @tparam T the item type (trivially copyable)
/// @tparam LOGICAL_WARP_THREADS lanes per logical warp: a power of two from 1 to 32 (32 = the hardware warp)
template <typename T, int LOGICAL_WARP_THREADS = 32>
class WarpScan {
  static_assert(LOGICAL_WARP_THREADS >= 1 && LOGICAL_WARP_THREADS <= 32 &&
                    (LOGICAL_WARP_THREADS & (LOGICAL_WARP_THREADS - 1)) == 0,
                "cudacpu's cub::WarpScan supports LOGICAL_WARP_THREADS = 1, 2, 4, 8, 16 or 32 (see docs/cudacpu.md)");

 public:
  /// Shared memory the scan needs. Shuffles need none; it exists so that code written for CUB's protocol compiles.
  struct TempStorage {
    unsigned char unused;  ///< placeholder byte
  };

  /// Binds the scan to (unused) temporary storage.
  __device__ WarpScan(TempStorage& temp_storage) { (void)temp_storage; }

  /// inclusive_output = sum of lanes 0 .. this one.
  __device__ void InclusiveSum(T input, T& inclusive_output,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    inclusive_output = inclusive(input, cudacpu_detail::add{}, where);
  }
  /// Also gives every lane the sum of all lanes.
  __device__ void InclusiveSum(T input, T& inclusive_output, T& warp_aggregate,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    inclusive_output = inclusive(input, cudacpu_detail::add{}, where);
    warp_aggregate = last_lane(inclusive_output, where);
  }
  /// exclusive_output = sum of the lanes before this one (0 in lane 0).
  __device__ void ExclusiveSum(T input, T& exclusive_output,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    T aggregate;
    ExclusiveScan(input, exclusive_output, T{}, cudacpu_detail::add{}, aggregate, where);
  }
  /// Also gives every lane the sum of all lanes.
  __device__ void ExclusiveSum(T input, T& exclusive_output, T& warp_aggregate,
                               cudacpu::source_location where = cudacpu::source_location::current()) {
    ExclusiveScan(input, exclusive_output, T{}, cudacpu_detail::add{}, warp_aggregate, where);
  }

  /// inclusive_output = op over lanes 0 .. this one.
  template <typename ScanOp>
  __device__ void InclusiveScan(T input, T& inclusive_output, ScanOp scan_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    inclusive_output = inclusive(input, scan_op, where);
  }
  /// inclusive_output = initial_value op (lanes 0 .. this one).
  template <typename ScanOp>
  __device__ void InclusiveScan(T input, T& inclusive_output, T initial_value, ScanOp scan_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    inclusive_output = static_cast<T>(scan_op(initial_value, inclusive(input, scan_op, where)));
  }
  /// Also gives every lane the aggregate of all lanes.
  template <typename ScanOp>
  __device__ void InclusiveScan(T input, T& inclusive_output, ScanOp scan_op, T& warp_aggregate,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    inclusive_output = inclusive(input, scan_op, where);
    warp_aggregate = last_lane(inclusive_output, where);
  }
  /// Without an initial value: lane 0's output is undefined.
  template <typename ScanOp>
  __device__ void ExclusiveScan(T input, T& exclusive_output, ScanOp scan_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    exclusive_output = shift_up(inclusive(input, scan_op, where), where);
  }
  /// exclusive_output = initial_value op (lanes before this one); lane 0 gets initial_value.
  template <typename ScanOp>
  __device__ void ExclusiveScan(T input, T& exclusive_output, T initial_value, ScanOp scan_op,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    T aggregate;
    ExclusiveScan(input, exclusive_output, initial_value, scan_op, aggregate, where);
  }
  /// Without an initial value, with the aggregate of all lanes.
  template <typename ScanOp>
  __device__ void ExclusiveScan(T input, T& exclusive_output, ScanOp scan_op, T& warp_aggregate,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    const T inc = inclusive(input, scan_op, where);
    exclusive_output = shift_up(inc, where);
    warp_aggregate = last_lane(inc, where);
  }
  /// With an initial value and the aggregate of all lanes (without the initial value).
  template <typename ScanOp>
  __device__ void ExclusiveScan(T input, T& exclusive_output, T initial_value, ScanOp scan_op, T& warp_aggregate,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
    const T inc = inclusive(input, scan_op, where);
    const T before = shift_up(inc, where);
    exclusive_output = lane() == 0 ? initial_value : static_cast<T>(scan_op(initial_value, before));
    warp_aggregate = last_lane(inc, where);
  }
  /// Both scans at once (lane 0's exclusive output undefined).
  template <typename ScanOp>
  __device__ void Scan(T input, T& inclusive_output, T& exclusive_output, ScanOp scan_op,
                       cudacpu::source_location where = cudacpu::source_location::current()) {
    inclusive_output = inclusive(input, scan_op, where);
    exclusive_output = shift_up(inclusive_output, where);
  }
  /// Both scans from an initial value.
  template <typename ScanOp>
  __device__ void Scan(T input, T& inclusive_output, T& exclusive_output, T initial_value, ScanOp scan_op,
                       cudacpu::source_location where = cudacpu::source_location::current()) {
    const T inc = inclusive(input, scan_op, where);
    const T before = shift_up(inc, where);
    exclusive_output = lane() == 0 ? initial_value : static_cast<T>(scan_op(initial_value, before));
    inclusive_output = static_cast<T>(scan_op(initial_value, inc));
  }
  /// The value of @p input in lane @p src_lane of the logical warp, for every lane.
  __device__ T Broadcast(T input, unsigned int src_lane,
                         cudacpu::source_location where = cudacpu::source_location::current()) {
    return cudacpu_detail::shuffle(cudacpu_detail::shuffle_kind::idx,
                                   cudacpu_detail::segment_mask(LOGICAL_WARP_THREADS), input, src_lane,
                                   LOGICAL_WARP_THREADS, where);
  }

 private:
  /// This lane's index in its logical warp.
  static int lane() { return static_cast<int>(::cudacpu::detail::lane_id()) & (LOGICAL_WARP_THREADS - 1); }
  /// The inclusive scan of the logical warp.
  template <typename Op>
  static T inclusive(T input, Op op, cudacpu::source_location where) {
    return cudacpu_detail::warp_inclusive_scan(input, op, LOGICAL_WARP_THREADS, where);
  }
  /// The value of the lane before (lane 0 keeps its own: undefined for an exclusive scan).
  static T shift_up(T value, cudacpu::source_location where) {
    return cudacpu_detail::shuffle(cudacpu_detail::shuffle_kind::up, cudacpu_detail::segment_mask(LOGICAL_WARP_THREADS),
                                   value, 1u, LOGICAL_WARP_THREADS, where);
  }
  /// The value of the logical warp's last lane.
  static T last_lane(T value, cudacpu::source_location where) {
    return cudacpu_detail::shuffle(cudacpu_detail::shuffle_kind::idx,
                                   cudacpu_detail::segment_mask(LOGICAL_WARP_THREADS), value,
                                   static_cast<unsigned>(LOGICAL_WARP_THREADS - 1), LOGICAL_WARP_THREADS, where);
  }
};

}  // namespace cub
