/// @file
/// @brief Warp-level intrinsics for the cudacpu backend: shuffles, votes, match, reduce, `__syncwarp`.
///
/// Each is a warp collective: the calling CUDA thread deposits its value, waits (as a fiber) until every lane
/// named in the mask has arrived at the same intrinsic, and the last lane to arrive computes every lane's result.
/// A lane named in the mask that exits, waits somewhere else, or passes a different mask is reported as an error
/// with the intrinsic's file:line.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernel.h"

namespace cudacpu::detail {

/// The collective operations a warp can perform.
enum class warp_op : std::uint8_t {
  sync,
  shfl,
  ballot,
  any,
  all,
  match_any,
  match_all,
  reduce_add,
  reduce_min,
  reduce_max,
  reduce_umin,
  reduce_umax,
  reduce_and,
  reduce_or,
  reduce_xor,
  wmma_load,
  wmma_store,
  wmma_mma,
};

/// Runs one warp collective for the calling lane and returns its result.
/// @param mask the lanes taking part (the calling lane must be one of them)
/// @param value this lane's input, bit-copied into 64 bits
/// @param param for `shfl`: the lane to read from (already resolved for width/up/down/xor)
std::uint64_t warp_collective(warp_op op, unsigned mask, std::uint64_t value, unsigned param,
                              source_location where);
/// This thread's lane in its warp (linear thread index % 32).
unsigned lane_id();
/// Lanes of the calling warp that exist and have not exited.
unsigned live_lanes();

/// Bit-copies a value of up to 8 bytes into the collective's 64-bit slot.
template <class T>
std::uint64_t to_bits(const T& v) {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= 8, "warp shuffles move at most 8 bytes");
  std::uint64_t b = 0;
  std::memcpy(&b, &v, sizeof(T));
  return b;
}
/// Inverse of to_bits.
template <class T>
T from_bits(std::uint64_t b) {
  T v;
  std::memcpy(&v, &b, sizeof(T));
  return v;
}

/// Shuffle with the source lane already computed.
template <class T>
T shuffle_from(unsigned mask, const T& var, unsigned src, source_location where) {
  return from_bits<T>(warp_collective(warp_op::shfl, mask, to_bits(var), src, where));
}

}  // namespace cudacpu::detail

/// Reads `var` from lane `srcLane` (modulo `width`) of the same `width`-wide segment.
template <class T>
T __shfl_sync(unsigned mask, T var, int srcLane, int width = warpSize,
              cudacpu::source_location where = cudacpu::source_location::current()) {
  const unsigned lane = cudacpu::detail::lane_id();
  const unsigned w = static_cast<unsigned>(width);
  const unsigned seg = lane & ~(w - 1u);
  return cudacpu::detail::shuffle_from(mask, var, seg + (static_cast<unsigned>(srcLane) & (w - 1u)), where);
}
/// Reads `var` from lane `lane - delta`; lanes below their segment keep their own value.
template <class T>
T __shfl_up_sync(unsigned mask, T var, unsigned int delta, int width = warpSize,
                 cudacpu::source_location where = cudacpu::source_location::current()) {
  const unsigned lane = cudacpu::detail::lane_id();
  const unsigned seg = lane & ~(static_cast<unsigned>(width) - 1u);
  const unsigned src = (lane >= seg + delta) ? lane - delta : lane;
  return cudacpu::detail::shuffle_from(mask, var, src, where);
}
/// Reads `var` from lane `lane + delta`; lanes past their segment keep their own value.
template <class T>
T __shfl_down_sync(unsigned mask, T var, unsigned int delta, int width = warpSize,
                   cudacpu::source_location where = cudacpu::source_location::current()) {
  const unsigned lane = cudacpu::detail::lane_id();
  const unsigned w = static_cast<unsigned>(width);
  const unsigned seg = lane & ~(w - 1u);
  const unsigned src = (lane + delta < seg + w) ? lane + delta : lane;
  return cudacpu::detail::shuffle_from(mask, var, src, where);
}
/// Reads `var` from lane `lane ^ laneMask`; a lane in a later segment yields the caller's own value.
template <class T>
T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = warpSize,
                  cudacpu::source_location where = cudacpu::source_location::current()) {
  const unsigned lane = cudacpu::detail::lane_id();
  const unsigned w = static_cast<unsigned>(width);
  const unsigned seg = lane & ~(w - 1u);
  const unsigned src = lane ^ static_cast<unsigned>(laneMask);
  return cudacpu::detail::shuffle_from(mask, var, src < seg + w ? src : lane, where);
}

/// Bit i set when lane i (in `mask`) passed a non-zero predicate.
inline unsigned __ballot_sync(unsigned mask, int predicate,
                              cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<unsigned>(cudacpu::detail::warp_collective(cudacpu::detail::warp_op::ballot, mask,
                                                                predicate != 0, 0, where));
}
/// Non-zero when any lane in `mask` passed a non-zero predicate.
inline int __any_sync(unsigned mask, int predicate,
                      cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<int>(
      cudacpu::detail::warp_collective(cudacpu::detail::warp_op::any, mask, predicate != 0, 0, where));
}
/// Non-zero when every lane in `mask` passed a non-zero predicate.
inline int __all_sync(unsigned mask, int predicate,
                      cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<int>(
      cudacpu::detail::warp_collective(cudacpu::detail::warp_op::all, mask, predicate != 0, 0, where));
}
/// Warp barrier (also orders memory between the lanes in `mask`).
inline void __syncwarp(unsigned mask = 0xffffffffu,
                       cudacpu::source_location where = cudacpu::source_location::current()) {
  cudacpu::detail::warp_collective(cudacpu::detail::warp_op::sync, mask, 0, 0, where);
}
/// Lanes of this warp that are still running (on the CPU there is no divergence to observe, so: all live lanes).
inline unsigned __activemask() { return cudacpu::detail::live_lanes(); }

/// Lanes in `mask` whose `value` equals this lane's.
template <class T>
unsigned __match_any_sync(unsigned mask, T value,
                          cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<unsigned>(cudacpu::detail::warp_collective(
      cudacpu::detail::warp_op::match_any, mask, cudacpu::detail::to_bits(value), 0, where));
}
/// `mask` when every lane in it has the same `value` (and *pred = 1), else 0 (and *pred = 0).
template <class T>
unsigned __match_all_sync(unsigned mask, T value, int* pred,
                          cudacpu::source_location where = cudacpu::source_location::current()) {
  const auto r = static_cast<unsigned>(cudacpu::detail::warp_collective(
      cudacpu::detail::warp_op::match_all, mask, cudacpu::detail::to_bits(value), 0, where));
  *pred = r != 0;
  return r;
}

/// Sum over the lanes in `mask` (sm_80 intrinsic).
inline unsigned __reduce_add_sync(unsigned mask, unsigned value,
                                  cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<unsigned>(
      cudacpu::detail::warp_collective(cudacpu::detail::warp_op::reduce_add, mask, value, 0, where));
}
/// Sum over the lanes in `mask` (sm_80 intrinsic).
inline int __reduce_add_sync(unsigned mask, int value,
                             cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<int>(__reduce_add_sync(mask, static_cast<unsigned>(value), where));
}
/// Minimum over the lanes in `mask`.
inline unsigned __reduce_min_sync(unsigned mask, unsigned value,
                                  cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<unsigned>(
      cudacpu::detail::warp_collective(cudacpu::detail::warp_op::reduce_umin, mask, value, 0, where));
}
/// Minimum over the lanes in `mask`.
inline int __reduce_min_sync(unsigned mask, int value,
                             cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<int>(cudacpu::detail::warp_collective(cudacpu::detail::warp_op::reduce_min, mask,
                                                           static_cast<std::uint64_t>(value), 0, where));
}
/// Maximum over the lanes in `mask`.
inline unsigned __reduce_max_sync(unsigned mask, unsigned value,
                                  cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<unsigned>(
      cudacpu::detail::warp_collective(cudacpu::detail::warp_op::reduce_umax, mask, value, 0, where));
}
/// Maximum over the lanes in `mask`.
inline int __reduce_max_sync(unsigned mask, int value,
                             cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<int>(cudacpu::detail::warp_collective(cudacpu::detail::warp_op::reduce_max, mask,
                                                           static_cast<std::uint64_t>(value), 0, where));
}
/// Bitwise AND over the lanes in `mask`.
inline unsigned __reduce_and_sync(unsigned mask, unsigned value,
                                  cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<unsigned>(
      cudacpu::detail::warp_collective(cudacpu::detail::warp_op::reduce_and, mask, value, 0, where));
}
/// Bitwise OR over the lanes in `mask`.
inline unsigned __reduce_or_sync(unsigned mask, unsigned value,
                                 cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<unsigned>(
      cudacpu::detail::warp_collective(cudacpu::detail::warp_op::reduce_or, mask, value, 0, where));
}
/// Bitwise XOR over the lanes in `mask`.
inline unsigned __reduce_xor_sync(unsigned mask, unsigned value,
                                  cudacpu::source_location where = cudacpu::source_location::current()) {
  return static_cast<unsigned>(
      cudacpu::detail::warp_collective(cudacpu::detail::warp_op::reduce_xor, mask, value, 0, where));
}
