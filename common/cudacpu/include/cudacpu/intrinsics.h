/// @file
/// @brief CUDA device math and bit intrinsics for the cudacpu backend (`__fmaf_rn`, `__expf`, `rsqrtf`,
///        `__popc`, `__ldg`, `min`/`max`, ...). Standard math (`sqrtf`, `expf`, ...) comes from <cmath>.
///
/// Fast-math intrinsics (`__expf`, `__fdividef`, ...) compute the accurate result here; the GPU's approximations
/// differ in the last bits, so compare with a tolerance.
#pragma once

#include <chrono>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cfenv>
#include <cstring>
#include <math.h>

#include "kernel.h"

// Rounded arithmetic: the CPU's default rounding is round-to-nearest-even, the same as the _rn variants.
/// a*b+c with one rounding.
inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
/// a*b+c with one rounding.
inline double __fma_rn(double a, double b, double c) { return std::fma(a, b, c); }
/// a+b rounded to nearest (never contracted into an FMA).
inline float __fadd_rn(float a, float b) { return a + b; }
/// a-b rounded to nearest.
inline float __fsub_rn(float a, float b) { return a - b; }
/// a*b rounded to nearest.
inline float __fmul_rn(float a, float b) { return a * b; }
/// a/b rounded to nearest.
inline float __fdiv_rn(float a, float b) { return a / b; }
/// 1/a rounded to nearest.
inline float __frcp_rn(float a) { return 1.0f / a; }
/// sqrt rounded to nearest.
inline float __fsqrt_rn(float a) { return std::sqrt(a); }
/// 1/sqrt(a).
inline float __frsqrt_rn(float a) { return 1.0f / std::sqrt(a); }
/// a+b in double.
inline double __dadd_rn(double a, double b) { return a + b; }
/// a*b in double.
inline double __dmul_rn(double a, double b) { return a * b; }
/// a-b in double.
inline double __dsub_rn(double a, double b) { return a - b; }
/// a/b in double.
inline double __ddiv_rn(double a, double b) { return a / b; }
/// 1/a in double.
inline double __drcp_rn(double a) { return 1.0 / a; }
/// sqrt in double.
inline double __dsqrt_rn(double a) { return std::sqrt(a); }

namespace cudacpu::detail {

/// Makes `v` look changed to the optimiser: a use of it cannot move across this point or be folded.
template <class T>
inline void opaque(T& v) {
  asm volatile("" : "+m"(v));
}

/// `op(args...)` computed with the FPU's rounding set to `mode` (FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD), then the
/// rounding restored: CUDA's _rz/_ru/_rd intrinsics. The empty asm statements keep the compiler from computing the
/// operation (or folding constants) outside the window where the rounding mode is set.
template <class T, class Op, class... A>
inline T with_rounding(int mode, Op op, A... args) {
  const int old = std::fegetround();
  std::fesetround(mode);
  (opaque(args), ...);
  T r = op(args...);
  opaque(r);
  std::fesetround(old);
  return r;
}

}  // namespace cudacpu::detail

// Directed rounding: _rz toward zero, _ru toward +infinity, _rd toward -infinity (interval arithmetic uses them).
#define WS_CUDACPU_ROUNDED(suffix, mode)                                                                           \
  /** a+b rounded as named. */ inline float __fadd_##suffix(float a, float b) {                                  \
    return cudacpu::detail::with_rounding<float>(mode, [](float x, float y) { return x + y; }, a, b);            \
  }                                                                                                              \
  /** a-b rounded as named. */ inline float __fsub_##suffix(float a, float b) {                                  \
    return cudacpu::detail::with_rounding<float>(mode, [](float x, float y) { return x - y; }, a, b);            \
  }                                                                                                              \
  /** a*b rounded as named. */ inline float __fmul_##suffix(float a, float b) {                                  \
    return cudacpu::detail::with_rounding<float>(mode, [](float x, float y) { return x * y; }, a, b);            \
  }                                                                                                              \
  /** a/b rounded as named. */ inline float __fdiv_##suffix(float a, float b) {                                  \
    return cudacpu::detail::with_rounding<float>(mode, [](float x, float y) { return x / y; }, a, b);            \
  }                                                                                                              \
  /** 1/a rounded as named. */ inline float __frcp_##suffix(float a) {                                           \
    return cudacpu::detail::with_rounding<float>(mode, [](float x) { return 1.0f / x; }, a);                     \
  }                                                                                                              \
  /** sqrt(a) rounded as named. */ inline float __fsqrt_##suffix(float a) {                                      \
    return cudacpu::detail::with_rounding<float>(mode, [](float x) { return std::sqrt(x); }, a);                 \
  }                                                                                                              \
  /** a*b+c with one rounding, as named. */ inline float __fmaf_##suffix(float a, float b, float c) {            \
    return cudacpu::detail::with_rounding<float>(mode, [](float x, float y, float z) { return std::fma(x, y, z); }, \
                                                 a, b, c);                                                       \
  }                                                                                                              \
  /** a+b in double, rounded as named. */ inline double __dadd_##suffix(double a, double b) {                    \
    return cudacpu::detail::with_rounding<double>(mode, [](double x, double y) { return x + y; }, a, b);         \
  }                                                                                                              \
  /** a-b in double, rounded as named. */ inline double __dsub_##suffix(double a, double b) {                    \
    return cudacpu::detail::with_rounding<double>(mode, [](double x, double y) { return x - y; }, a, b);         \
  }                                                                                                              \
  /** a*b in double, rounded as named. */ inline double __dmul_##suffix(double a, double b) {                    \
    return cudacpu::detail::with_rounding<double>(mode, [](double x, double y) { return x * y; }, a, b);         \
  }                                                                                                              \
  /** a/b in double, rounded as named. */ inline double __ddiv_##suffix(double a, double b) {                    \
    return cudacpu::detail::with_rounding<double>(mode, [](double x, double y) { return x / y; }, a, b);         \
  }                                                                                                              \
  /** 1/a in double, rounded as named. */ inline double __drcp_##suffix(double a) {                              \
    return cudacpu::detail::with_rounding<double>(mode, [](double x) { return 1.0 / x; }, a);                    \
  }                                                                                                              \
  /** sqrt(a) in double, rounded as named. */ inline double __dsqrt_##suffix(double a) {                         \
    return cudacpu::detail::with_rounding<double>(mode, [](double x) { return std::sqrt(x); }, a);               \
  }                                                                                                              \
  /** a*b+c in double with one rounding, as named. */ inline double __fma_##suffix(double a, double b, double c) { \
    return cudacpu::detail::with_rounding<double>(                                                               \
        mode, [](double x, double y, double z) { return std::fma(x, y, z); }, a, b, c);                          \
  }
WS_CUDACPU_ROUNDED(rz, FE_TOWARDZERO)
WS_CUDACPU_ROUNDED(ru, FE_UPWARD)
WS_CUDACPU_ROUNDED(rd, FE_DOWNWARD)
#undef WS_CUDACPU_ROUNDED

/// Fast division (exact here).
inline float __fdividef(float a, float b) { return a / b; }
/// Fast division (exact here).
inline float fdividef(float a, float b) { return a / b; }
/// Fast exp.
inline float __expf(float x) { return std::exp(x); }
/// Fast exp10.
inline float __exp10f(float x) { return std::pow(10.0f, x); }
/// Fast natural log.
inline float __logf(float x) { return std::log(x); }
/// Fast log2.
inline float __log2f(float x) { return std::log2(x); }
/// Fast log10.
inline float __log10f(float x) { return std::log10(x); }
/// Fast sine.
inline float __sinf(float x) { return std::sin(x); }
/// Fast cosine.
inline float __cosf(float x) { return std::cos(x); }
/// Fast tangent.
inline float __tanf(float x) { return std::tan(x); }
/// Fast power.
inline float __powf(float x, float y) { return std::pow(x, y); }
/// Fast sine and cosine.
inline void __sincosf(float x, float* s, float* c) {
  *s = std::sin(x);
  *c = std::cos(x);
}
/// Clamps to [0, 1] (NaN becomes 0).
inline float __saturatef(float x) { return x >= 1.0f ? 1.0f : (x > 0.0f ? x : 0.0f); }
/// 1/sqrt(x).
inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
/// 1/sqrt(x).
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
/// 1/cbrt(x).
inline float rcbrtf(float x) { return 1.0f / std::cbrt(x); }
/// 1/cbrt(x).
inline double rcbrt(double x) { return 1.0 / std::cbrt(x); }
/// sin(pi x).
inline float sinpif(float x) { return std::sin(3.14159265358979323846f * x); }
/// cos(pi x).
inline float cospif(float x) { return std::cos(3.14159265358979323846f * x); }
/// sin and cos of pi x.
inline void sincospif(float x, float* s, float* c) {
  *s = sinpif(x);
  *c = cospif(x);
}
/// Normal CDF.
inline float normcdff(float x) { return 0.5f * std::erfc(-x * 0.70710678118654752f); }
/// Normal CDF.
inline double normcdf(double x) { return 0.5 * std::erfc(-x * 0.70710678118654752); }

// Reinterpretation.
/// Bits of a float as int.
inline int __float_as_int(float x) { return __builtin_bit_cast(int, x); }
/// Bits of a float as unsigned.
inline unsigned int __float_as_uint(float x) { return __builtin_bit_cast(unsigned int, x); }
/// Int bits as float.
inline float __int_as_float(int x) { return __builtin_bit_cast(float, x); }
/// Unsigned bits as float.
inline float __uint_as_float(unsigned int x) { return __builtin_bit_cast(float, x); }
/// Bits of a double.
inline long long __double_as_longlong(double x) { return __builtin_bit_cast(long long, x); }
/// Long long bits as double.
inline double __longlong_as_double(long long x) { return __builtin_bit_cast(double, x); }
/// High 32 bits of a double.
inline int __double2hiint(double x) { return static_cast<int>(__builtin_bit_cast(unsigned long long, x) >> 32); }
/// Low 32 bits of a double.
inline int __double2loint(double x) { return static_cast<int>(__builtin_bit_cast(unsigned long long, x) & 0xffffffffu); }

// Conversions with explicit rounding.
/// Round to nearest even.
inline int __float2int_rn(float x) { return static_cast<int>(std::nearbyint(x)); }
/// Round toward zero.
inline int __float2int_rz(float x) { return static_cast<int>(x); }
/// Round down.
inline int __float2int_rd(float x) { return static_cast<int>(std::floor(x)); }
/// Round up.
inline int __float2int_ru(float x) { return static_cast<int>(std::ceil(x)); }
/// Round to nearest even.
inline unsigned int __float2uint_rn(float x) { return static_cast<unsigned int>(std::nearbyint(x)); }
/// Round toward zero.
inline unsigned int __float2uint_rz(float x) { return static_cast<unsigned int>(x); }
/// Round to nearest even.
inline long long __float2ll_rn(float x) { return static_cast<long long>(std::nearbyint(x)); }
/// Round to nearest even.
inline int __double2int_rn(double x) { return static_cast<int>(std::nearbyint(x)); }
/// Round toward zero.
inline int __double2int_rz(double x) { return static_cast<int>(x); }
/// Round to nearest even.
inline float __int2float_rn(int x) { return static_cast<float>(x); }
/// Round to nearest even.
inline float __uint2float_rn(unsigned int x) { return static_cast<float>(x); }
/// Round to nearest even.
inline float __double2float_rn(double x) { return static_cast<float>(x); }

namespace cudacpu::detail {
__extension__ typedef __int128 int128;            ///< 128-bit product for __mul64hi
__extension__ typedef unsigned __int128 uint128;  ///< 128-bit product for __umul64hi
}  // namespace cudacpu::detail

// Integer intrinsics.
/// Set bits.
inline int __popc(unsigned int x) { return __builtin_popcount(x); }
/// Set bits.
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
/// Leading zeros.
inline int __clz(int x) { return (x == 0 ? 32 : __builtin_clz(static_cast<unsigned int>(x))); }
/// Leading zeros.
inline int __clzll(long long x) { return (x == 0 ? 64 : __builtin_clzll(static_cast<unsigned long long>(x))); }
/// Position (1-based) of the lowest set bit, 0 for 0.
inline int __ffs(int x) { return x == 0 ? 0 : __builtin_ctz(static_cast<unsigned int>(x)) + 1; }
/// Position (1-based) of the lowest set bit, 0 for 0.
inline int __ffsll(long long x) { return x == 0 ? 0 : __builtin_ctzll(static_cast<unsigned long long>(x)) + 1; }
/// Reverses the bits.
inline unsigned int __brev(unsigned int x) {
  unsigned int r = 0;
  for (int i = 0; i < 32; ++i) r |= ((x >> i) & 1u) << (31 - i);
  return r;
}
/// Reverses the bits.
inline unsigned long long __brevll(unsigned long long x) {
  unsigned long long r = 0;
  for (int i = 0; i < 64; ++i) r |= ((x >> i) & 1ull) << (63 - i);
  return r;
}
/// Picks bytes of {y, x} by selector `s`.
inline unsigned int __byte_perm(unsigned int x, unsigned int y, unsigned int s) {
  const unsigned long long v = (static_cast<unsigned long long>(y) << 32) | x;
  unsigned int r = 0;
  for (int i = 0; i < 4; ++i) {
    const unsigned sel = (s >> (4 * i)) & 7u;
    r |= static_cast<unsigned int>((v >> (8 * sel)) & 0xffu) << (8 * i);
  }
  return r;
}
/// 24-bit multiply (full 32-bit product of the low 24 bits).
inline int __mul24(int x, int y) {
  return static_cast<int>((static_cast<long long>(x) << 40 >> 40) * (static_cast<long long>(y) << 40 >> 40));
}
/// 24-bit unsigned multiply.
inline unsigned int __umul24(unsigned int x, unsigned int y) { return (x & 0xffffffu) * (y & 0xffffffu); }
/// High 32 bits of the 64-bit product.
inline int __mulhi(int x, int y) { return static_cast<int>((static_cast<long long>(x) * y) >> 32); }
/// High 32 bits of the 64-bit product.
inline unsigned int __umulhi(unsigned int x, unsigned int y) {
  return static_cast<unsigned int>((static_cast<unsigned long long>(x) * y) >> 32);
}
/// High 64 bits of the 128-bit product.
inline long long __mul64hi(long long x, long long y) {
  return static_cast<long long>((static_cast<cudacpu::detail::int128>(x) * y) >> 64);
}
/// High 64 bits of the 128-bit product.
inline unsigned long long __umul64hi(unsigned long long x, unsigned long long y) {
  return static_cast<unsigned long long>((static_cast<cudacpu::detail::uint128>(x) * y) >> 64);
}
/// |x - y| + z.
inline unsigned int __sad(int x, int y, unsigned int z) {
  return static_cast<unsigned int>(x > y ? x - y : y - x) + z;
}
/// |x - y| + z.
inline unsigned int __usad(unsigned int x, unsigned int y, unsigned int z) { return (x > y ? x - y : y - x) + z; }
/// (x + y) >> 1 without overflow.
inline int __hadd(int x, int y) { return static_cast<int>((static_cast<long long>(x) + y) >> 1); }
/// (x + y + 1) >> 1 without overflow.
inline int __rhadd(int x, int y) { return static_cast<int>((static_cast<long long>(x) + y + 1) >> 1); }
/// (x + y) >> 1 without overflow.
inline unsigned int __uhadd(unsigned int x, unsigned int y) {
  return static_cast<unsigned int>((static_cast<unsigned long long>(x) + y) >> 1);
}
/// (x + y + 1) >> 1 without overflow.
inline unsigned int __urhadd(unsigned int x, unsigned int y) {
  return static_cast<unsigned int>((static_cast<unsigned long long>(x) + y + 1) >> 1);
}

// CUDA's global min/max overloads (device code calls `min(a, b)` without std::).
#define WS_CUDACPU_MINMAX(T)                                                                                      \
  /** Smaller of a and b. */ inline T min(T a, T b) { return b < a ? b : a; }                                    \
  /** Larger of a and b. */ inline T max(T a, T b) { return a < b ? b : a; }
WS_CUDACPU_MINMAX(int)
WS_CUDACPU_MINMAX(unsigned int)
WS_CUDACPU_MINMAX(long)
WS_CUDACPU_MINMAX(unsigned long)
WS_CUDACPU_MINMAX(long long)
WS_CUDACPU_MINMAX(unsigned long long)
#undef WS_CUDACPU_MINMAX
/// Smaller of a and b (fminf semantics for NaN).
inline float min(float a, float b) { return std::fmin(a, b); }
/// Larger of a and b.
inline float max(float a, float b) { return std::fmax(a, b); }
/// Smaller of a and b.
inline double min(double a, double b) { return std::fmin(a, b); }
/// Larger of a and b.
inline double max(double a, double b) { return std::fmax(a, b); }
/// Mixed signedness compares as unsigned, like CUDA.
inline unsigned int min(int a, unsigned int b) { return min(static_cast<unsigned int>(a), b); }
/// Mixed signedness compares as unsigned, like CUDA.
inline unsigned int min(unsigned int a, int b) { return min(a, static_cast<unsigned int>(b)); }
/// Mixed signedness compares as unsigned, like CUDA.
inline unsigned int max(int a, unsigned int b) { return max(static_cast<unsigned int>(a), b); }
/// Mixed signedness compares as unsigned, like CUDA.
inline unsigned int max(unsigned int a, int b) { return max(a, static_cast<unsigned int>(b)); }
/// Mixed float/double uses double.
inline double min(float a, double b) { return std::fmin(static_cast<double>(a), b); }
/// Mixed float/double uses double.
inline double min(double a, float b) { return std::fmin(a, static_cast<double>(b)); }
/// Mixed float/double uses double.
inline double max(float a, double b) { return std::fmax(static_cast<double>(a), b); }
/// Mixed float/double uses double.
inline double max(double a, float b) { return std::fmax(a, static_cast<double>(b)); }
/// Unsigned minimum.
inline unsigned int umin(unsigned int a, unsigned int b) { return min(a, b); }
/// Unsigned maximum.
inline unsigned int umax(unsigned int a, unsigned int b) { return max(a, b); }
/// Long long minimum.
inline long long llmin(long long a, long long b) { return min(a, b); }
/// Long long maximum.
inline long long llmax(long long a, long long b) { return max(a, b); }

// Cache-hinted loads and stores: plain memory accesses on the CPU.
/// Read-only cached load.
template <class T>
inline T __ldg(const T* p) { return *p; }
/// Load cached in L2 only.
template <class T>
inline T __ldcg(const T* p) { return *p; }
/// Load cached at all levels.
template <class T>
inline T __ldca(const T* p) { return *p; }
/// Streaming load.
template <class T>
inline T __ldcs(const T* p) { return *p; }
/// Last-use load.
template <class T>
inline T __ldlu(const T* p) { return *p; }
/// Volatile load.
template <class T>
inline T __ldcv(const T* p) { return *p; }
/// Write-back store.
template <class T>
inline void __stwb(T* p, T v) { *p = v; }
/// Store cached in L2 only.
template <class T>
inline void __stcg(T* p, T v) { *p = v; }
/// Streaming store.
template <class T>
inline void __stcs(T* p, T v) { *p = v; }
/// Write-through store.
template <class T>
inline void __stwt(T* p, T v) { *p = v; }

/// A monotonically increasing counter: microseconds of the host's steady clock, not GPU cycles. It ticks at the
/// rate `cudaDevAttrClockRate` reports (1000 kHz), as device `clock()` does (the C library's, in microseconds).
inline long long clock64() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
/// Global timer in nanoseconds, as on a GPU.
inline unsigned long long __globaltimer() {
  return static_cast<unsigned long long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}
