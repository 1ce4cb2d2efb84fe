/// @file
/// @brief CUDA atomics for the cudacpu backend, on `std::atomic_ref`.
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

/// The atomic view of a CUDA address.
template <class T>
std::atomic_ref<T> atomic_at(T* address) {
  return std::atomic_ref<T>(*address);
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
  /** Block-scope add (same as atomicAdd on the CPU). */ inline T atomicAdd_block(T* address, T val) {           \
    return atomicAdd(address, val);                                                                              \
  }                                                                                                              \
  /** System-scope add. */ inline T atomicAdd_system(T* address, T val) { return atomicAdd(address, val); }        \
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
  }                                                                                                              \
  /** Block-scope CAS. */ inline T atomicCAS_block(T* address, T compare, T val,                                  \
                                                   cudacpu::source_location where =                              \
                                                       cudacpu::source_location::current()) {                    \
    return atomicCAS(address, compare, val, where);                                                              \
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
