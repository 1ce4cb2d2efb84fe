/// @file
/// @brief `__half` and `__nv_bfloat16` for the cudacpu backend: 16-bit storage, round-to-nearest-even
///        conversions, the common arithmetic intrinsics and operators.
///
/// Arithmetic computes the exact result in double (exact for a sum or product of two halves) and rounds once,
/// so `__hadd`/`__hmul` match the GPU bit for bit; bfloat16 arithmetic rounds via float.
#pragma once

#include <cmath>
#include <cstdint>

#include "types.h"

namespace cudacpu::detail {

/// float -> binary16 bits, round to nearest even (overflow gives infinity, NaN gives the canonical 0x7fff).
constexpr std::uint16_t float_to_half_bits(float f) {
  const std::uint32_t x = __builtin_bit_cast(std::uint32_t, f);
  const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t a = x & 0x7fffffffu;
  if (a > 0x7f800000u) return 0x7fffu;
  if (a >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // >= 65520 rounds to infinity
  if (a >= 0x38800000u) {                                                   // normal half
    const std::uint32_t m = a - 0x38000000u;                                // rebias exponent 127 -> 15
    std::uint32_t r = m >> 13;
    const std::uint32_t rem = m & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (r & 1u))) ++r;
    return static_cast<std::uint16_t>(sign | r);
  }
  const std::uint32_t e = a >> 23;  // subnormal half (or zero)
  const std::uint32_t shift = 126u - e;
  if (e == 0 || shift >= 32u) return sign;
  const std::uint32_t m = (a & 0x7fffffu) | 0x800000u;
  std::uint32_t r = m >> shift;
  const std::uint32_t rem = m & ((1u << shift) - 1u);
  const std::uint32_t halfway = 1u << (shift - 1u);
  if (rem > halfway || (rem == halfway && (r & 1u))) ++r;
  return static_cast<std::uint16_t>(sign | r);
}

/// double -> binary16 bits with a single rounding (used by the arithmetic so nothing is rounded twice).
constexpr std::uint16_t double_to_half_bits(double d) {
  const std::uint64_t x = __builtin_bit_cast(std::uint64_t, d);
  const auto sign = static_cast<std::uint16_t>((x >> 48) & 0x8000u);
  const std::uint64_t a = x & 0x7fffffffffffffffull;
  if (a > 0x7ff0000000000000ull) return 0x7fffu;
  if (a >= 0x40effe0000000000ull) return static_cast<std::uint16_t>(sign | 0x7c00u);  // >= 65520
  const std::uint64_t e = a >> 52;
  if (e >= 1009) {  // normal half: exponent >= -14
    const std::uint64_t m = a - (1008ull << 52);
    std::uint64_t r = m >> 42;
    const std::uint64_t rem = m & ((1ull << 42) - 1u);
    const std::uint64_t halfway = 1ull << 41;
    if (rem > halfway || (rem == halfway && (r & 1u))) ++r;
    return static_cast<std::uint16_t>(sign | r);
  }
  const std::uint64_t shift = 1051ull - e;  // value / 2^-24 = m * 2^(e - 1075 + 24)
  if (e == 0 || shift >= 64u) return sign;
  const std::uint64_t m = (a & 0xfffffffffffffull) | (1ull << 52);
  std::uint64_t r = m >> shift;
  const std::uint64_t rem = m & ((1ull << shift) - 1u);
  const std::uint64_t halfway = 1ull << (shift - 1u);
  if (rem > halfway || (rem == halfway && (r & 1u))) ++r;
  return static_cast<std::uint16_t>(sign | r);
}

/// binary16 bits -> float (exact).
constexpr float half_bits_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t e = (h >> 10) & 0x1fu;
  const std::uint32_t m = h & 0x3ffu;
  if (e == 0) {
    const float v = static_cast<float>(m) * 5.9604644775390625e-8f;  // m * 2^-24
    return sign ? -v : v;
  }
  if (e == 31) return __builtin_bit_cast(float, sign | 0x7f800000u | (m << 13));
  return __builtin_bit_cast(float, sign | ((e + 112u) << 23) | (m << 13));
}

/// float -> bfloat16 bits, round to nearest even (NaN gives 0x7fff).
constexpr std::uint16_t float_to_bf16_bits(float f) {
  const std::uint32_t x = __builtin_bit_cast(std::uint32_t, f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return 0x7fffu;
  return static_cast<std::uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

/// bfloat16 bits -> float (exact).
constexpr float bf16_bits_to_float(std::uint16_t b) {
  return __builtin_bit_cast(float, static_cast<std::uint32_t>(b) << 16);
}

}  // namespace cudacpu::detail

/// Raw bits of a half.
struct __half_raw {
  unsigned short x;  ///< the binary16 bits
};
/// Raw bits of a half2.
struct __half2_raw {
  unsigned short x;  ///< low half bits
  unsigned short y;  ///< high half bits
};

/// IEEE binary16. Converts implicitly to and from float, like CUDA's without __CUDA_NO_HALF_CONVERSIONS__.
struct __align__(2) __half {
  unsigned short __x;  ///< the binary16 bits (CUDA's member name)

  __half() = default;
  /// From raw bits.
  constexpr __half(const __half_raw& r) : __x(r.x) {}
  /// From float, round to nearest even.
  constexpr __half(float f) : __x(cudacpu::detail::float_to_half_bits(f)) {}
  /// From double, one rounding.
  constexpr __half(double d) : __x(cudacpu::detail::double_to_half_bits(d)) {}
  /// From int, round to nearest even.
  constexpr __half(int i) : __x(cudacpu::detail::double_to_half_bits(static_cast<double>(i))) {}
  /// From unsigned, round to nearest even.
  constexpr __half(unsigned int i) : __x(cudacpu::detail::double_to_half_bits(static_cast<double>(i))) {}
  /// From long long, round to nearest even.
  constexpr __half(long long i) : __x(cudacpu::detail::double_to_half_bits(static_cast<double>(i))) {}
  /// To raw bits.
  constexpr operator __half_raw() const { return __half_raw{__x}; }
  /// To float (exact).
  constexpr operator float() const { return cudacpu::detail::half_bits_to_float(__x); }
};

/// Two halves (x low, y high), 4-byte aligned like CUDA's.
struct __align__(4) __half2 {
  __half x;  ///< low
  __half y;  ///< high

  __half2() = default;
  /// From two halves.
  constexpr __half2(__half a, __half b) : x(a), y(b) {}
  /// From raw bits.
  constexpr __half2(const __half2_raw& r) : x(__half_raw{r.x}), y(__half_raw{r.y}) {}
  /// To raw bits.
  constexpr operator __half2_raw() const { return __half2_raw{x.__x, y.__x}; }
};

/// CUDA's short names.
typedef __half half;
/// CUDA's short names.
typedef __half2 half2;

/// Raw bits of a bfloat16.
struct __nv_bfloat16_raw {
  unsigned short x;  ///< the bfloat16 bits
};

/// bfloat16 (8-bit exponent, 7-bit mantissa). Converts implicitly to and from float.
struct __align__(2) __nv_bfloat16 {
  unsigned short __x;  ///< the bfloat16 bits

  __nv_bfloat16() = default;
  /// From raw bits.
  constexpr __nv_bfloat16(const __nv_bfloat16_raw& r) : __x(r.x) {}
  /// From float, round to nearest even.
  constexpr __nv_bfloat16(float f) : __x(cudacpu::detail::float_to_bf16_bits(f)) {}
  /// From double (via float).
  constexpr __nv_bfloat16(double d) : __x(cudacpu::detail::float_to_bf16_bits(static_cast<float>(d))) {}
  /// From int.
  constexpr __nv_bfloat16(int i) : __x(cudacpu::detail::float_to_bf16_bits(static_cast<float>(i))) {}
  /// To raw bits.
  constexpr operator __nv_bfloat16_raw() const { return __nv_bfloat16_raw{__x}; }
  /// To float (exact).
  constexpr operator float() const { return cudacpu::detail::bf16_bits_to_float(__x); }
};

/// Two bfloat16 values.
struct __align__(4) __nv_bfloat162 {
  __nv_bfloat16 x;  ///< low
  __nv_bfloat16 y;  ///< high

  __nv_bfloat162() = default;
  /// From two values.
  constexpr __nv_bfloat162(__nv_bfloat16 a, __nv_bfloat16 b) : x(a), y(b) {}
};

/// CUDA's short names.
typedef __nv_bfloat16 nv_bfloat16;
/// CUDA's short names.
typedef __nv_bfloat162 nv_bfloat162;

// ---- half conversions ----
/// float -> half, round to nearest even.
constexpr __half __float2half(float f) { return __half(f); }
/// float -> half, round to nearest even.
constexpr __half __float2half_rn(float f) { return __half(f); }
/// double -> half, round to nearest even.
constexpr __half __double2half(double d) { return __half(d); }
/// half -> float (exact).
constexpr float __half2float(__half h) { return static_cast<float>(h); }
/// int -> half.
constexpr __half __int2half_rn(int i) { return __half(i); }
/// half -> int, round to nearest even.
inline int __half2int_rn(__half h) { return static_cast<int>(std::nearbyint(static_cast<float>(h))); }
/// half -> int, toward zero.
inline int __half2int_rz(__half h) { return static_cast<int>(static_cast<float>(h)); }
/// Bits of a half.
constexpr unsigned short __half_as_ushort(__half h) { return h.__x; }
/// Bits of a half.
constexpr short __half_as_short(__half h) { return static_cast<short>(h.__x); }
/// Half from bits.
constexpr __half __ushort_as_half(unsigned short b) { return __half(__half_raw{b}); }
/// Half from bits.
constexpr __half __short_as_half(short b) { return __half(__half_raw{static_cast<unsigned short>(b)}); }
/// {f, f}.
constexpr __half2 __float2half2_rn(float f) { return __half2(__half(f), __half(f)); }
/// {a, b}.
constexpr __half2 __floats2half2_rn(float a, float b) { return __half2(__half(a), __half(b)); }
/// {a, b}.
constexpr __half2 __halves2half2(__half a, __half b) { return __half2(a, b); }
/// {h, h}.
constexpr __half2 __half2half2(__half h) { return __half2(h, h); }
/// To float2.
constexpr float2 __half22float2(__half2 h) { return float2{static_cast<float>(h.x), static_cast<float>(h.y)}; }
/// float2 -> half2.
constexpr __half2 __float22half2_rn(float2 f) { return __half2(__half(f.x), __half(f.y)); }
/// Low half as float.
constexpr float __low2float(__half2 h) { return static_cast<float>(h.x); }
/// High half as float.
constexpr float __high2float(__half2 h) { return static_cast<float>(h.y); }
/// Low half.
constexpr __half __low2half(__half2 h) { return h.x; }
/// High half.
constexpr __half __high2half(__half2 h) { return h.y; }

// ---- half arithmetic (exact in double, one rounding) ----
/// a + b.
constexpr __half __hadd(__half a, __half b) { return __half(static_cast<double>(float(a)) + float(b)); }
/// a - b.
constexpr __half __hsub(__half a, __half b) { return __half(static_cast<double>(float(a)) - float(b)); }
/// a * b.
constexpr __half __hmul(__half a, __half b) { return __half(static_cast<double>(float(a)) * float(b)); }
/// a / b.
constexpr __half __hdiv(__half a, __half b) { return __half(static_cast<double>(float(a)) / float(b)); }
/// a * b + c with one rounding.
inline __half __hfma(__half a, __half b, __half c) {
  return __half(std::fma(static_cast<double>(float(a)), static_cast<double>(float(b)), static_cast<double>(float(c))));
}
/// -a.
constexpr __half __hneg(__half a) { return __half(__half_raw{static_cast<unsigned short>(a.__x ^ 0x8000u)}); }
/// |a|.
constexpr __half __habs(__half a) { return __half(__half_raw{static_cast<unsigned short>(a.__x & 0x7fffu)}); }
/// max(a, b).
constexpr __half __hmax(__half a, __half b) { return float(a) < float(b) ? b : a; }
/// min(a, b).
constexpr __half __hmin(__half a, __half b) { return float(b) < float(a) ? b : a; }
/// a == b.
constexpr bool __heq(__half a, __half b) { return float(a) == float(b); }
/// a != b.
constexpr bool __hne(__half a, __half b) { return float(a) != float(b); }
/// a < b.
constexpr bool __hlt(__half a, __half b) { return float(a) < float(b); }
/// a <= b.
constexpr bool __hle(__half a, __half b) { return float(a) <= float(b); }
/// a > b.
constexpr bool __hgt(__half a, __half b) { return float(a) > float(b); }
/// a >= b.
constexpr bool __hge(__half a, __half b) { return float(a) >= float(b); }
/// NaN test.
constexpr bool __hisnan(__half a) { return (a.__x & 0x7fffu) > 0x7c00u; }
/// Infinity test (returns -1, 0 or 1 like CUDA).
constexpr int __hisinf(__half a) { return (a.__x & 0x7fffu) == 0x7c00u ? ((a.__x & 0x8000u) ? -1 : 1) : 0; }
/// sqrt.
inline __half hsqrt(__half a) { return __half(std::sqrt(static_cast<double>(float(a)))); }
/// 1/sqrt.
inline __half hrsqrt(__half a) { return __half(1.0 / std::sqrt(static_cast<double>(float(a)))); }
/// 1/a.
inline __half hrcp(__half a) { return __half(1.0 / static_cast<double>(float(a))); }
/// exp.
inline __half hexp(__half a) { return __half(std::exp(static_cast<double>(float(a)))); }
/// log.
inline __half hlog(__half a) { return __half(std::log(static_cast<double>(float(a)))); }
/// Elementwise a + b.
constexpr __half2 __hadd2(__half2 a, __half2 b) { return __half2(__hadd(a.x, b.x), __hadd(a.y, b.y)); }
/// Elementwise a - b.
constexpr __half2 __hsub2(__half2 a, __half2 b) { return __half2(__hsub(a.x, b.x), __hsub(a.y, b.y)); }
/// Elementwise a * b.
constexpr __half2 __hmul2(__half2 a, __half2 b) { return __half2(__hmul(a.x, b.x), __hmul(a.y, b.y)); }
/// Elementwise a * b + c.
inline __half2 __hfma2(__half2 a, __half2 b, __half2 c) {
  return __half2(__hfma(a.x, b.x, c.x), __hfma(a.y, b.y, c.y));
}

/// Half operators (CUDA defines them unless __CUDA_NO_HALF_OPERATORS__).
constexpr __half operator+(const __half& a, const __half& b) { return __hadd(a, b); }
/// Subtraction.
constexpr __half operator-(const __half& a, const __half& b) { return __hsub(a, b); }
/// Multiplication.
constexpr __half operator*(const __half& a, const __half& b) { return __hmul(a, b); }
/// Division.
constexpr __half operator/(const __half& a, const __half& b) { return __hdiv(a, b); }
/// Negation.
constexpr __half operator-(const __half& a) { return __hneg(a); }
/// Compound addition.
constexpr __half& operator+=(__half& a, const __half& b) { return a = __hadd(a, b); }
/// Compound subtraction.
constexpr __half& operator-=(__half& a, const __half& b) { return a = __hsub(a, b); }
/// Compound multiplication.
constexpr __half& operator*=(__half& a, const __half& b) { return a = __hmul(a, b); }
/// Compound division.
constexpr __half& operator/=(__half& a, const __half& b) { return a = __hdiv(a, b); }
/// Equality.
constexpr bool operator==(const __half& a, const __half& b) { return __heq(a, b); }
/// Ordering.
constexpr bool operator<(const __half& a, const __half& b) { return __hlt(a, b); }
/// Ordering.
constexpr bool operator>(const __half& a, const __half& b) { return __hgt(a, b); }
/// Ordering.
constexpr bool operator<=(const __half& a, const __half& b) { return __hle(a, b); }
/// Ordering.
constexpr bool operator>=(const __half& a, const __half& b) { return __hge(a, b); }
/// Elementwise addition.
constexpr __half2 operator+(const __half2& a, const __half2& b) { return __hadd2(a, b); }
/// Elementwise multiplication.
constexpr __half2 operator*(const __half2& a, const __half2& b) { return __hmul2(a, b); }

// ---- bfloat16 ----
/// float -> bf16, round to nearest even.
constexpr __nv_bfloat16 __float2bfloat16(float f) { return __nv_bfloat16(f); }
/// float -> bf16, round to nearest even.
constexpr __nv_bfloat16 __float2bfloat16_rn(float f) { return __nv_bfloat16(f); }
/// bf16 -> float (exact).
constexpr float __bfloat162float(__nv_bfloat16 b) { return static_cast<float>(b); }
/// {a, b}.
constexpr __nv_bfloat162 __floats2bfloat162_rn(float a, float b) {
  return __nv_bfloat162(__nv_bfloat16(a), __nv_bfloat16(b));
}
/// To float2.
constexpr float2 __bfloat1622float2(__nv_bfloat162 h) {
  return float2{static_cast<float>(h.x), static_cast<float>(h.y)};
}
/// Bits of a bf16.
constexpr unsigned short __bfloat16_as_ushort(__nv_bfloat16 b) { return b.__x; }
/// bf16 from bits.
constexpr __nv_bfloat16 __ushort_as_bfloat16(unsigned short b) { return __nv_bfloat16(__nv_bfloat16_raw{b}); }
/// a + b.
constexpr __nv_bfloat16 __hadd(__nv_bfloat16 a, __nv_bfloat16 b) { return __nv_bfloat16(float(a) + float(b)); }
/// a - b.
constexpr __nv_bfloat16 __hsub(__nv_bfloat16 a, __nv_bfloat16 b) { return __nv_bfloat16(float(a) - float(b)); }
/// a * b (the product of two bf16 is exact in float).
constexpr __nv_bfloat16 __hmul(__nv_bfloat16 a, __nv_bfloat16 b) { return __nv_bfloat16(float(a) * float(b)); }
/// a / b.
constexpr __nv_bfloat16 __hdiv(__nv_bfloat16 a, __nv_bfloat16 b) { return __nv_bfloat16(float(a) / float(b)); }
/// a * b + c.
inline __nv_bfloat16 __hfma(__nv_bfloat16 a, __nv_bfloat16 b, __nv_bfloat16 c) {
  return __nv_bfloat16(std::fma(float(a), float(b), float(c)));
}
/// -a.
constexpr __nv_bfloat16 __hneg(__nv_bfloat16 a) {
  return __nv_bfloat16(__nv_bfloat16_raw{static_cast<unsigned short>(a.__x ^ 0x8000u)});
}
/// max(a, b).
constexpr __nv_bfloat16 __hmax(__nv_bfloat16 a, __nv_bfloat16 b) { return float(a) < float(b) ? b : a; }
/// min(a, b).
constexpr __nv_bfloat16 __hmin(__nv_bfloat16 a, __nv_bfloat16 b) { return float(b) < float(a) ? b : a; }
/// NaN test.
constexpr bool __hisnan(__nv_bfloat16 a) { return (a.__x & 0x7fffu) > 0x7f80u; }
/// Addition.
constexpr __nv_bfloat16 operator+(const __nv_bfloat16& a, const __nv_bfloat16& b) { return __hadd(a, b); }
/// Subtraction.
constexpr __nv_bfloat16 operator-(const __nv_bfloat16& a, const __nv_bfloat16& b) { return __hsub(a, b); }
/// Multiplication.
constexpr __nv_bfloat16 operator*(const __nv_bfloat16& a, const __nv_bfloat16& b) { return __hmul(a, b); }
/// Division.
constexpr __nv_bfloat16 operator/(const __nv_bfloat16& a, const __nv_bfloat16& b) { return __hdiv(a, b); }
/// Compound addition.
constexpr __nv_bfloat16& operator+=(__nv_bfloat16& a, const __nv_bfloat16& b) { return a = __hadd(a, b); }
/// Compound multiplication.
constexpr __nv_bfloat16& operator*=(__nv_bfloat16& a, const __nv_bfloat16& b) { return a = __hmul(a, b); }
/// Equality.
constexpr bool operator==(const __nv_bfloat16& a, const __nv_bfloat16& b) { return float(a) == float(b); }
/// Ordering.
constexpr bool operator<(const __nv_bfloat16& a, const __nv_bfloat16& b) { return float(a) < float(b); }
/// Ordering.
constexpr bool operator>(const __nv_bfloat16& a, const __nv_bfloat16& b) { return float(a) > float(b); }

