/// @file
/// @brief CUDA atomics for the cudacpu backend, on GCC's `__atomic` builtins (what `std::atomic_ref` is made of;
///        it is C++20, and nvcc's default is C++17).
///
/// Blocks run in parallel on several OS threads, so these are real atomics. They use sequentially consistent
/// ordering: free on x86 and it lets ThreadSanitizer see lock-based code (CAS lock + fence) as synchronised.
/// A failed `atomicCAS` and an `atomicExch` that changes nothing yield to the block's other threads, so a spin
/// lock between threads of one block cannot hang the (cooperatively scheduled) block.
#pragma once

#include <atomic>
#include <cstring>
#include <type_traits>

#include "half.h"
#include "kernel.h"

namespace cudacpu::detail {

/// The atomic view of a CUDA address: sequentially consistent operations on a plain object, like
/// `std::atomic_ref<T>`. Floating-point additions are a CAS loop, as `std::atomic_ref<float>::fetch_add` is.
template <class T>
class atomic_view {
  static_assert(std::is_trivially_copyable_v<T>, "CUDA atomics take trivially copyable types");

 public:
  explicit atomic_view(T* address) : p_(address) {}
  T load() const {
    T v;
    __atomic_load(p_, &v, __ATOMIC_SEQ_CST);
    return v;
  }
  T exchange(T v) const {
    T old;
    __atomic_exchange(p_, &v, &old, __ATOMIC_SEQ_CST);
    return old;
  }
  bool compare_exchange_weak(T& expected, T desired) const {
    return __atomic_compare_exchange(p_, &expected, &desired, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  }
  bool compare_exchange_strong(T& expected, T desired) const {
    return __atomic_compare_exchange(p_, &expected, &desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  }
  T fetch_add(T v) const {
    if constexpr (std::is_floating_point_v<T>) {
      T old = load();
      while (!compare_exchange_weak(old, old + v)) {
      }
      return old;
    } else {
      return __atomic_fetch_add(p_, v, __ATOMIC_SEQ_CST);
    }
  }
  T fetch_sub(T v) const { return __atomic_fetch_sub(p_, v, __ATOMIC_SEQ_CST); }
  T fetch_and(T v) const { return __atomic_fetch_and(p_, v, __ATOMIC_SEQ_CST); }
  T fetch_or(T v) const { return __atomic_fetch_or(p_, v, __ATOMIC_SEQ_CST); }
  T fetch_xor(T v) const { return __atomic_fetch_xor(p_, v, __ATOMIC_SEQ_CST); }

 private:
  T* p_;
};

/// The atomic view of a CUDA address.
template <class T>
atomic_view<T> atomic_at(T* address) {
  return atomic_view<T>(address);
}

/// Read-modify-write through a CAS loop (for min/max/inc/dec and float min/max).
template <class T, class Op>
T atomic_update(T* address, Op op) {
  auto ref = atomic_at(address);
  T old = ref.load();
  while (!ref.compare_exchange_weak(old, op(old))) {
  }
  return old;
}

}  // namespace cudacpu::detail

// The integer and floating-point types CUDA's atomics take.
#define WS_CUDACPU_ATOMIC_ARITH(T)                                                                                \
  /** Adds, returns the old value. */ inline T atomicAdd(T* address, T val) {                                    \
    return cudacpu::detail::atomic_at(address).fetch_add(val);                                                   \
  }                                                                                                              \
  /** Stores val, returns the old value. */                                                                      \
  inline T atomicExch(T* address, T val, cudacpu::source_location where = cudacpu::source_location::current()) { \
    T old = cudacpu::detail::atomic_at(address).exchange(val);                                                   \
    if (std::memcmp(&old, &val, sizeof(T)) == 0) cudacpu::detail::spin_yield(where);                             \
    return old;                                                                                                  \
  }                                                                                                              \
  /** Minimum, returns the old value. */ inline T atomicMin(T* address, T val) {                                 \
    return cudacpu::detail::atomic_update(address, [val](T o) { return val < o ? val : o; });                    \
  }                                                                                                              \
  /** Maximum, returns the old value. */ inline T atomicMax(T* address, T val) {                                 \
    return cudacpu::detail::atomic_update(address, [val](T o) { return val > o ? val : o; });                    \
  }

WS_CUDACPU_ATOMIC_ARITH(int)
WS_CUDACPU_ATOMIC_ARITH(unsigned int)
WS_CUDACPU_ATOMIC_ARITH(unsigned long long)
WS_CUDACPU_ATOMIC_ARITH(long long)
WS_CUDACPU_ATOMIC_ARITH(float)
WS_CUDACPU_ATOMIC_ARITH(double)
#undef WS_CUDACPU_ATOMIC_ARITH

#define WS_CUDACPU_ATOMIC_INT(T)                                                                                  \
  /** Subtracts, returns the old value. */ inline T atomicSub(T* address, T val) {                               \
    return cudacpu::detail::atomic_at(address).fetch_sub(val);                                                   \
  }                                                                                                              \
  /** Bitwise AND, returns the old value. */ inline T atomicAnd(T* address, T val) {                             \
    return cudacpu::detail::atomic_at(address).fetch_and(val);                                                   \
  }                                                                                                              \
  /** Bitwise OR, returns the old value. */ inline T atomicOr(T* address, T val) {                               \
    return cudacpu::detail::atomic_at(address).fetch_or(val);                                                    \
  }                                                                                                              \
  /** Bitwise XOR, returns the old value. */ inline T atomicXor(T* address, T val) {                             \
    return cudacpu::detail::atomic_at(address).fetch_xor(val);                                                   \
  }                                                                                                              \
  /** Compare-and-swap; a failed swap yields so spin locks inside a block make progress. */                       \
  inline T atomicCAS(T* address, T compare, T val,                                                               \
                     cudacpu::source_location where = cudacpu::source_location::current()) {                     \
    T expected = compare;                                                                                        \
    if (!cudacpu::detail::atomic_at(address).compare_exchange_strong(expected, val))                             \
      cudacpu::detail::spin_yield(where);                                                                        \
    return expected;                                                                                             \
  }

WS_CUDACPU_ATOMIC_INT(int)
WS_CUDACPU_ATOMIC_INT(unsigned int)
WS_CUDACPU_ATOMIC_INT(unsigned long long)
WS_CUDACPU_ATOMIC_INT(long long)
#undef WS_CUDACPU_ATOMIC_INT

/// 16-bit compare-and-swap (sm_70+).
inline unsigned short atomicCAS(unsigned short* address, unsigned short compare, unsigned short val,
                                cudacpu::source_location where = cudacpu::source_location::current()) {
  unsigned short expected = compare;
  if (!cudacpu::detail::atomic_at(address).compare_exchange_strong(expected, val)) cudacpu::detail::spin_yield(where);
  return expected;
}

/// Wrapping increment: old >= val ? 0 : old + 1.
inline unsigned int atomicInc(unsigned int* address, unsigned int val) {
  return cudacpu::detail::atomic_update(address, [val](unsigned int o) { return o >= val ? 0u : o + 1u; });
}
/// Wrapping decrement: (old == 0 || old > val) ? val : old - 1.
inline unsigned int atomicDec(unsigned int* address, unsigned int val) {
  return cudacpu::detail::atomic_update(address,
                                        [val](unsigned int o) { return (o == 0u || o > val) ? val : o - 1u; });
}

/// Atomic add on a half (CAS loop on its 16 bits).
inline __half atomicAdd(__half* address, __half val) {
  auto* bits = reinterpret_cast<unsigned short*>(address);
  const unsigned short old = cudacpu::detail::atomic_update(
      bits, [val](unsigned short o) { return __hadd(__ushort_as_half(o), val).__x; });
  return __ushort_as_half(old);
}
/// Atomic add on a bfloat16 (CAS loop on its 16 bits).
inline __nv_bfloat16 atomicAdd(__nv_bfloat16* address, __nv_bfloat16 val) {
  auto* bits = reinterpret_cast<unsigned short*>(address);
  const unsigned short old = cudacpu::detail::atomic_update(
      bits, [val](unsigned short o) { return __hadd(__ushort_as_bfloat16(o), val).__x; });
  return __ushort_as_bfloat16(old);
}

// Scoped atomics (`atomicAdd_block`, `atomicCAS_system`, ...): on the CPU every atomic is sequentially consistent
// across all threads and the host, so each scope is the plain operation.
#define WS_CUDACPU_SCOPED_ATOMIC(op)                                                                               \
  /** op at block scope: the same as op here. */                                                                 \
  template <class T, class... A>                                                                                 \
  inline auto op##_block(T* address, A... args)->decltype(op(address, args...)) {                                \
    return op(address, args...);                                                                                 \
  }                                                                                                              \
  /** op at system scope: the same as op here. */                                                                \
  template <class T, class... A>                                                                                 \
  inline auto op##_system(T* address, A... args)->decltype(op(address, args...)) {                               \
    return op(address, args...);                                                                                 \
  }
WS_CUDACPU_SCOPED_ATOMIC(atomicAdd)
WS_CUDACPU_SCOPED_ATOMIC(atomicSub)
WS_CUDACPU_SCOPED_ATOMIC(atomicMin)
WS_CUDACPU_SCOPED_ATOMIC(atomicMax)
WS_CUDACPU_SCOPED_ATOMIC(atomicInc)
WS_CUDACPU_SCOPED_ATOMIC(atomicDec)
WS_CUDACPU_SCOPED_ATOMIC(atomicAnd)
WS_CUDACPU_SCOPED_ATOMIC(atomicOr)
WS_CUDACPU_SCOPED_ATOMIC(atomicXor)
#undef WS_CUDACPU_SCOPED_ATOMIC

/// atomicExch at block scope (spin loops keep the caller's line).
template <class T, class U>
inline T atomicExch_block(T* address, U val, cudacpu::source_location where = cudacpu::source_location::current()) {
  return atomicExch(address, static_cast<T>(val), where);
}
/// atomicExch at system scope.
template <class T, class U>
inline T atomicExch_system(T* address, U val, cudacpu::source_location where = cudacpu::source_location::current()) {
  return atomicExch(address, static_cast<T>(val), where);
}
/// atomicCAS at block scope (spin loops keep the caller's line).
template <class T, class U, class V>
inline T atomicCAS_block(T* address, U compare, V val,
                         cudacpu::source_location where = cudacpu::source_location::current()) {
  return atomicCAS(address, static_cast<T>(compare), static_cast<T>(val), where);
}
/// atomicCAS at system scope.
template <class T, class U, class V>
inline T atomicCAS_system(T* address, U compare, V val,
                          cudacpu::source_location where = cudacpu::source_location::current()) {
  return atomicCAS(address, static_cast<T>(compare), static_cast<T>(val), where);
}
