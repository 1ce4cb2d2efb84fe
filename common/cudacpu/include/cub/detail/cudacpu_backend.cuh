/// @file
/// @brief Internals of cudacpu's CUB stand-in shared by the block, warp and device headers: version macros, the
///        operator functors (`cuda::std::plus<>`, `cuda::maximum<>`, `cuda::minimum<>`), shuffles of any
///        trivially copyable type, the block-shape check and the device-wide temporary-storage protocol.
///
/// Not part of CUB's interface: code that also builds with nvcc must not name anything in `cub::cudacpu_detail`.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <new>
#include "cudacpu/source_location.h"
#include <type_traits>

#include "../version.cuh"

// CUB's operators. CCCL 3 (CUDA 13) removed cub::Sum/Max/Min; code that also builds with nvcc names
// cuda::std::plus<>, cuda::maximum<> and cuda::minimum<>. With CCCL's headers on the include path (a target that
// also uses Thrust) the real ones are used, so both libraries see the same types; without them, small equivalents.
#if __has_include(<cuda/std/functional>) && __has_include(<cuda/functional>)
#include <cuda/functional>
#include <cuda/std/functional>
#else
namespace cuda {
namespace std {
/// `a + b` (libcu++'s cuda::std::plus; `plus<>` deduces the operand types).
template <class T = void>
struct plus {
  /// a + b.
  constexpr T operator()(const T& a, const T& b) const { return a + b; }
};
/// `a + b` for any operand types.
template <>
struct plus<void> {
  /// a + b.
  template <class A, class B>
  constexpr auto operator()(A&& a, B&& b) const -> decltype(static_cast<A&&>(a) + static_cast<B&&>(b)) {
    return static_cast<A&&>(a) + static_cast<B&&>(b);
  }
};
}  // namespace std
/// The larger of two values (libcu++'s cuda::maximum): `a < b ? b : a`.
template <class T = void>
struct maximum {
  /// max(a, b).
  constexpr T operator()(const T& a, const T& b) const { return a < b ? b : a; }
};
/// The larger of two values for any operand types.
template <>
struct maximum<void> {
  /// max(a, b), in the common type.
  template <class A, class B>
  constexpr ::std::common_type_t<A, B> operator()(const A& a, const B& b) const {
    return a < b ? b : a;
  }
};
/// The smaller of two values (libcu++'s cuda::minimum): `b < a ? b : a`.
template <class T = void>
struct minimum {
  /// min(a, b).
  constexpr T operator()(const T& a, const T& b) const { return b < a ? b : a; }
};
/// The smaller of two values for any operand types.
template <>
struct minimum<void> {
  /// min(a, b), in the common type.
  template <class A, class B>
  constexpr ::std::common_type_t<A, B> operator()(const A& a, const B& b) const {
    return b < a ? b : a;
  }
};
}  // namespace cuda
#endif

namespace cub::cudacpu_detail {

/// Threads per hardware warp.
inline constexpr int warp_threads = 32;

/// `a + b`, the operator of every Sum (CUB's Sum uses the type's `+`).
struct add {
  /// a + b.
  template <class A, class B>
  constexpr auto operator()(const A& a, const B& b) const -> decltype(a + b) {
    return a + b;
  }
};

/// Checks a type CUB moves between threads: shuffles and shared memory copy it bytewise.
template <class T>
constexpr void check_item_type() {
  static_assert(std::is_trivially_copyable_v<T>,
                "cudacpu's CUB stand-in moves items with warp shuffles and shared memory, so T must be trivially "
                "copyable (see docs/cudacpu.md, CUB)");
}

/// Which shuffle: `__shfl_down_sync`, `__shfl_up_sync` or `__shfl_sync` (from a lane index).
enum class shuffle_kind : std::uint8_t { down, up, idx };

/// One shuffle of a value of at most 8 bytes.
template <class W>
W shuffle_word(shuffle_kind kind, unsigned mask, const W& value, unsigned arg, int width, ::cudacpu::source_location where) {
  switch (kind) {
    case shuffle_kind::down:
      return __shfl_down_sync(mask, value, arg, width, where);
    case shuffle_kind::up:
      return __shfl_up_sync(mask, value, arg, width, where);
    case shuffle_kind::idx:
      break;
  }
  return __shfl_sync(mask, value, static_cast<int>(arg), width, where);
}

/// A shuffle of any trivially copyable T within segments of @p width lanes: @p arg is the delta (down, up) or the
/// source lane (idx). A T over 8 bytes moves as 8-byte words, one warp collective each (as CUB splits large types).
template <class T>
T shuffle(shuffle_kind kind, unsigned mask, const T& value, unsigned arg, int width, ::cudacpu::source_location where) {
  check_item_type<T>();
  if constexpr (sizeof(T) <= 8) {
    return shuffle_word(kind, mask, value, arg, width, where);
  } else {
    constexpr std::size_t words = (sizeof(T) + 7) / 8;
    std::uint64_t w[words] = {};
    std::memcpy(w, &value, sizeof(T));
    for (std::size_t i = 0; i < words; ++i) w[i] = shuffle_word(kind, mask, w[i], arg, width, where);
    T out;
    std::memcpy(&out, w, sizeof(T));
    return out;
  }
}

/// The lanes of the calling thread's segment of @p width lanes (width a power of two, at most 32).
inline unsigned segment_mask(int width) {
  if (width >= warp_threads) return 0xffffffffu;
  const unsigned lane = ::cudacpu::detail::lane_id();
  const unsigned w = static_cast<unsigned>(width);
  return ((1u << w) - 1u) << (lane & ~(w - 1u));
}

/// Reduces @p value over the first @p valid lanes of a segment of @p width lanes with @p op; the result is right in
/// the segment's first lane only. Tree order: step k adds the value 2^k lanes down, so lane 0 computes
/// ((x0 op x1) op (x2 op x3)) op ...; other lanes end with partial results of their own subtree.
template <class T, class Op>
T warp_reduce(T value, Op op, int valid, int width, ::cudacpu::source_location where) {
  const unsigned mask = segment_mask(width);
  const int lane = static_cast<int>(::cudacpu::detail::lane_id()) & (width - 1);
  for (int offset = 1; offset < width; offset *= 2) {
    const T other = shuffle(shuffle_kind::down, mask, value, static_cast<unsigned>(offset), width, where);
    if (lane + offset < valid) value = static_cast<T>(op(value, other));
  }
  return value;
}

/// Inclusive scan of @p value over a segment of @p width lanes with @p op (Hillis-Steele with shuffles up).
template <class T, class Op>
T warp_inclusive_scan(T value, Op op, int width, ::cudacpu::source_location where) {
  const unsigned mask = segment_mask(width);
  const int lane = static_cast<int>(::cudacpu::detail::lane_id()) & (width - 1);
  for (int offset = 1; offset < width; offset *= 2) {
    const T other = shuffle(shuffle_kind::up, mask, value, static_cast<unsigned>(offset), width, where);
    if (lane >= offset) value = static_cast<T>(op(other, value));
  }
  return value;
}

/// Checks, in the calling CUDA thread, that the launch's block is the shape a block primitive was declared for,
/// and returns the thread's row-major rank in it. CUB computes ranks from its template dimensions, so on a GPU a
/// mismatch silently gives wrong answers; here it stops the block with a report at the learner's line.
template <int X, int Y, int Z>
int checked_block_rank(const char* primitive, ::cudacpu::source_location where) {
  if (::cudacpu::detail::tls_thread == nullptr) {
    ::cudacpu::detail::report_error(where, "cub::%s used outside a kernel", primitive);
    std::abort();
  }
  const dim3 b = blockDim;
  if (b.x != static_cast<unsigned>(X) || b.y != static_cast<unsigned>(Y) || b.z != static_cast<unsigned>(Z)) {
    char msg[320];
    std::snprintf(msg, sizeof msg,
                  "cub::%s is declared for blocks of %dx%dx%d threads (BLOCK_DIM_X, BLOCK_DIM_Y, BLOCK_DIM_Z) but "
                  "runs in a block of %ux%ux%u: CUB computes each thread's rank from its template dimensions, so "
                  "they must equal blockDim",
                  primitive, X, Y, Z, b.x, b.y, b.z);
    ::cudacpu::detail::device_fatal(cudaErrorLaunchFailure, msg, where);
  }
  return static_cast<int>(threadIdx.x +
                          static_cast<unsigned>(X) * (threadIdx.y + static_cast<unsigned>(Y) * threadIdx.z));
}

/// A block primitive's TempStorage: raw bytes with T's alignment, like CUB's `Uninitialized<_TempStorage>`, so it
/// can sit in `__shared__` declarations and in unions without constructors running.
template <class Storage>
struct raw_storage {
  alignas(Storage) unsigned char bytes[sizeof(Storage)];  ///< the storage's bytes
  /// The storage.
  Storage& get() { return *std::launder(reinterpret_cast<Storage*>(bytes)); }
};

// ---- device-wide algorithms (DeviceReduce, DeviceScan): run on the host over device memory ----

/// Items per tile: the device-wide algorithms cut their input into tiles of this many items, as CUB's kernels do.
inline constexpr std::int64_t tile_items = 4096;

/// Bytes of temporary storage a device-wide call over @p n items with accumulator @p Acc asks for: one Acc per
/// tile, rounded up to 256 bytes (never 0, so a caller must follow CUB's two-phase protocol).
template <class Acc>
constexpr std::size_t temp_bytes(std::int64_t n) {
  const std::int64_t tiles = n > 0 ? (n + tile_items - 1) / tile_items : 1;
  const std::size_t bytes = static_cast<std::size_t>(tiles) * sizeof(Acc);
  return (bytes + 255) / 256 * 256;
}

/// Reports a misuse at the caller's line (unless WS_CPU_QUIET=1) and returns @p code.
inline cudaError_t fail(cudaError_t code, const ::cudacpu::source_location& where, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
inline cudaError_t fail(cudaError_t code, const ::cudacpu::source_location& where, const char* fmt, ...) {
  if (!::cudacpu::detail::quiet()) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ::cudacpu::detail::report_error(where, "%s (returns %s)", msg, cudaGetErrorName(code));
  }
  return code;
}

/// The first part of every device-wide call. With a null @p d_temp it stores the size in @p temp_bytes_io and
/// returns true with `*status = cudaSuccess` (done: CUB's size query). Otherwise it checks the temporary storage
/// (at least @p needed bytes, said and real) and the sticky error; true with a status means stop and return it.
inline bool temp_storage_protocol(const char* api, void* d_temp, std::size_t& temp_bytes_io, std::size_t needed,
                                  cudaError_t* status, const ::cudacpu::source_location& where) {
  if (d_temp == nullptr) {
    temp_bytes_io = needed;
    *status = cudaSuccess;
    return true;
  }
  if (temp_bytes_io < needed) {
    *status = fail(cudaErrorInvalidValue, where,
                   "%s: temp_storage_bytes = %zu, but this call needs %zu bytes of temporary storage: call it first "
                   "with d_temp_storage = nullptr to get the size, allocate that much, then call it again",
                   api, temp_bytes_io, needed);
    return true;
  }
  if (!::cudacpu::detail::check_device_range(api, "d_temp_storage", d_temp, needed, "returns cudaErrorInvalidValue",
                                             where)) {
    *status = cudaErrorInvalidValue;
    return true;
  }
  // A failed kernel broke the context: a GPU could not launch CUB's kernels either.
  if (const cudaError_t sticky = ::cudacpu::detail::sticky_error(); sticky != cudaSuccess) {
    *status = sticky;
    return true;
  }
  return false;
}

/// Checks that an input or output of a device-wide call is device memory covering @p count items, when it is a
/// raw pointer (other iterators are used as they are).
template <class It>
bool check_range(const char* api, const char* role, const It& it, std::int64_t count,
                 const ::cudacpu::source_location& where) {
  if constexpr (std::is_pointer_v<It>) {
    using value = std::remove_cv_t<std::remove_pointer_t<It>>;
    if (count <= 0) return true;
    return ::cudacpu::detail::check_device_range(api, role, static_cast<const void*>(it),
                                                 static_cast<std::size_t>(count) * sizeof(value),
                                                 "returns cudaErrorInvalidValue", where);
  } else {
    (void)api, (void)role, (void)it, (void)count, (void)where;
    return true;
  }
}

/// The value type an iterator yields (`std::iterator_traits`, void for pure output iterators).
template <class It>
using iter_value_t = std::remove_cv_t<typename std::iterator_traits<It>::value_type>;

/// The output's value type, or @p Fallback when the output iterator has none (void).
template <class OutIt, class Fallback>
using output_value_t = std::conditional_t<std::is_void_v<iter_value_t<OutIt>>, Fallback, iter_value_t<OutIt>>;

/// Reduces items [first, first + count) of @p in with @p op in pairwise order: halves until at most 8 items remain,
/// which are combined left to right. Rounding error grows like log2(count), not count.
template <class Acc, class It, class Op>
Acc pairwise_reduce(const It& in, std::int64_t first, std::int64_t count, Op op) {
  if (count <= 8) {
    Acc acc = static_cast<Acc>(in[first]);
    for (std::int64_t i = 1; i < count; ++i) acc = static_cast<Acc>(op(acc, in[first + i]));
    return acc;
  }
  const std::int64_t half = count / 2;
  return static_cast<Acc>(
      op(pairwise_reduce<Acc>(in, first, half, op), pairwise_reduce<Acc>(in, first + half, count - half, op)));
}

/// Reads element @p i of an Acc array in device memory that may be unaligned for Acc (a caller's temp pointer).
template <class Acc>
Acc load_temp(const void* base, std::int64_t i) {
  Acc v;
  std::memcpy(&v, static_cast<const unsigned char*>(base) + static_cast<std::size_t>(i) * sizeof(Acc), sizeof(Acc));
  return v;
}
/// Writes element @p i of an Acc array in device memory that may be unaligned for Acc.
template <class Acc>
void store_temp(void* base, std::int64_t i, const Acc& v) {
  std::memcpy(static_cast<unsigned char*>(base) + static_cast<std::size_t>(i) * sizeof(Acc), &v, sizeof(Acc));
}

/// Checks a device-wide call's item count (CUB takes any integer type; a negative one is a mistake).
template <class NumItemsT>
bool check_count(const char* api, NumItemsT num_items, cudaError_t* status, const ::cudacpu::source_location& where) {
  static_assert(std::is_integral_v<NumItemsT>, "num_items must be an integer");
  if constexpr (std::is_signed_v<NumItemsT>) {
    if (num_items < 0) {
      *status = fail(cudaErrorInvalidValue, where, "%s: num_items = %lld is negative", api,
                     static_cast<long long>(num_items));
      return false;
    }
  }
  (void)api, (void)status, (void)where;
  return true;
}

}  // namespace cub::cudacpu_detail
