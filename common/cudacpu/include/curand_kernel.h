/// @file
/// @brief Stand-in for cuRAND's device API (`curand_kernel.h`) on the cudacpu backend: XORWOW (`curandState`),
///        Philox4x32-10, MRG32k3a and Sobol32/64 states, curand_init, curand, uniform, normal, log-normal and
///        Poisson draws, skipahead; and the generators behind the host API of `curand.h`.
///
/// The states have cuRAND's names and fields, so kernels that keep them in device memory or copy them work as they
/// are. Each function follows the algorithm cuRAND documents; the code is this backend's own.
///
/// - **XORWOW** (Marsaglia's xorshift with a Weyl sequence, period 2^192 - 2^32): curand_init scrambles the seed
///   as cuRAND does, then jumps 2^67 numbers per subsequence and `offset` numbers. The jumps are powers of the
///   generator's 160 x 160 transition matrix over GF(2), computed here once per process (tens of ms, on the first
///   curand_init that needs them) and applied four bits of the count at a time, so the 32-bit integers equal a GPU's
///   for every seed, subsequence and offset.
/// - **Philox4x32-10** (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC11): key = seed, counter =
///   (offset / 4, subsequence) as 64-bit halves; the integers equal a GPU's.
/// - **MRG32k3a** (L'Ecuyer's combined multiple recursive generator): cuRAND's seeding, subsequences of 2^76
///   and sequences of 2^127 numbers by powers of the two 3 x 3 recurrence matrices mod m1 and m2, in exact integer
///   arithmetic; the integers equal a GPU's.
/// - **Sobol32/64**: Gray-code order from the direction vectors the caller passes (curandGetDirectionVectors32/64
///   in curand.h gives Joe and Kuo's); the integers equal a GPU's.
/// - **Floating point**: uniforms are x 2^-32 + 2^-33 (floats, in (0, 1]; the double ones use 53 bits from two
///   integers as cuRAND does), normals the Box-Muller transform of two integers (pseudo-random states) or the
///   inverse normal CDF (Sobol). They are computed with the host's libm, as cuRAND's own host code does; a GPU's
///   `__sincosf`, `logf` and fused multiply-adds can differ in the last bits.
/// - **Not provided**: MTGP32, the scrambled Sobol states, discrete distributions (curand_discrete),
///   curand_poisson4.
#pragma once

#define CURAND_KERNEL_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "cuda_runtime.h"
#include "curand.h"

/// curand_normal's flag value saying that boxmuller_extra holds a normal.
#define EXTRA_FLAG_NORMAL 0x00000001
/// curand_log_normal's flag value saying that boxmuller_extra holds a log-normal.
#define EXTRA_FLAG_LOG_NORMAL 0x00000002

/// XORWOW state: five xorshift words and a Weyl counter, plus the second normal of the last Box-Muller pair.
struct curandStateXORWOW {
  unsigned int d;                 ///< Weyl sequence, + 362437 per number
  unsigned int v[5];              ///< the xorshift words
  int boxmuller_flag;             ///< EXTRA_FLAG_NORMAL / _LOG_NORMAL when boxmuller_extra is pending
  int boxmuller_flag_double;      ///< the same for boxmuller_extra_double
  float boxmuller_extra;          ///< the pending float
  double boxmuller_extra_double;  ///< the pending double
};
/// cuRAND's name of the XORWOW state.
typedef struct curandStateXORWOW curandStateXORWOW_t;
/// The default device generator's state (XORWOW).
typedef struct curandStateXORWOW curandState_t;
/// The default device generator's state (XORWOW).
typedef struct curandStateXORWOW curandState;

/// Philox4x32-10 state: the counter, the four numbers it gave, the key and which of them comes next.
struct curandStatePhilox4_32_10 {
  uint4 ctr;                      ///< 128-bit counter (x lowest)
  uint4 output;                   ///< philox(ctr, key)
  uint2 key;                      ///< the seed
  unsigned int STATE;             ///< index of the next number in output
  int boxmuller_flag;             ///< EXTRA_FLAG_NORMAL / _LOG_NORMAL when boxmuller_extra is pending
  int boxmuller_flag_double;      ///< the same for boxmuller_extra_double
  float boxmuller_extra;          ///< the pending float
  double boxmuller_extra_double;  ///< the pending double
};
/// cuRAND's name of the Philox state.
typedef struct curandStatePhilox4_32_10 curandStatePhilox4_32_10_t;

/// MRG32k3a state: the last three values of L'Ecuyer's two multiple recursive components.
struct curandStateMRG32k3a {
  unsigned int s1[3];             ///< component 1, mod 4294967087 (oldest first)
  unsigned int s2[3];             ///< component 2, mod 4294944443 (oldest first)
  int boxmuller_flag;             ///< EXTRA_FLAG_NORMAL / _LOG_NORMAL when boxmuller_extra is pending
  int boxmuller_flag_double;      ///< the same for boxmuller_extra_double
  float boxmuller_extra;          ///< the pending float
  double boxmuller_extra_double;  ///< the pending double
};
/// cuRAND's name of the MRG32k3a state.
typedef struct curandStateMRG32k3a curandStateMRG32k3a_t;

/// Sobol32 state of one dimension.
struct curandStateSobol32 {
  unsigned int i;                      ///< index of the next point
  unsigned int x;                      ///< the next point
  unsigned int c;                      ///< scramble constant (0)
  unsigned int direction_vectors[32];  ///< the dimension's direction vectors
};
/// cuRAND's name of the Sobol32 state.
typedef struct curandStateSobol32 curandStateSobol32_t;

/// Sobol64 state of one dimension.
struct curandStateSobol64 {
  unsigned long long i;                      ///< index of the next point
  unsigned long long x;                      ///< the next point
  unsigned long long c;                      ///< scramble constant (0)
  unsigned long long direction_vectors[64];  ///< the dimension's direction vectors
};
/// cuRAND's name of the Sobol64 state.
typedef struct curandStateSobol64 curandStateSobol64_t;

namespace cudacpu::rand {

// ---- XORWOW jumps: powers of the transition matrix over GF(2) ----

/// 160-bit vector, laid out as XORWOW's v[0..4].
struct bits160 {
  std::uint32_t w[5];  ///< words
};

/// One XORWOW step on the xorshift words alone (linear over GF(2); the Weyl counter is separate).
inline void xorwow_step(std::uint32_t v[5]) {
  const std::uint32_t t = v[0] ^ (v[0] >> 2);
  v[0] = v[1];
  v[1] = v[2];
  v[2] = v[3];
  v[3] = v[4];
  v[4] = (v[4] ^ (v[4] << 4)) ^ (t ^ (t << 1));
}

/// A 160 x 160 matrix over GF(2), stored by columns: col[j] is the image of the j-th unit vector.
struct gf2_matrix {
  bits160 col[160];  ///< columns
};

/// @p m applied to @p x: the XOR of the columns where x has a 1.
inline bits160 apply(const gf2_matrix& m, const bits160& x) {
  bits160 r{};
  for (int word = 0; word < 5; ++word) {
    for (std::uint32_t rest = x.w[word]; rest != 0; rest &= rest - 1) {
      const bits160& c = m.col[word * 32 + __builtin_ctz(rest)];
      for (int k = 0; k < 5; ++k) r.w[k] ^= c.w[k];
    }
  }
  return r;
}

/// a * b (apply b, then a).
inline void multiply(const gf2_matrix& a, const gf2_matrix& b, gf2_matrix* out) {
  for (int j = 0; j < 160; ++j) out->col[j] = apply(a, b.col[j]);
}

/// Powers J^(d 16^k) of a jump J, for k = 0..15 and d = 1..15: any J^n, n < 2^64, is at most 16 products.
struct jump_table {
  gf2_matrix pow[16][15];  ///< pow[k][d - 1] = J^(d 16^k)

  /// Builds the table of @p j.
  explicit jump_table(const gf2_matrix& j) {
    for (int k = 0; k < 16; ++k) {
      if (k == 0) {
        pow[0][0] = j;
      } else {
        // J^(16^k) = (J^(8 16^(k-1)))^2
        multiply(pow[k - 1][7], pow[k - 1][7], &pow[k][0]);
      }
      for (int d = 2; d <= 15; ++d) multiply(pow[k][d - 2], pow[k][0], &pow[k][d - 1]);
    }
  }

  /// J^n x.
  bits160 jump(unsigned long long n, bits160 x) const {
    for (int k = 0; n != 0; ++k, n >>= 4)
      if (const unsigned d = static_cast<unsigned>(n & 15u); d != 0) x = apply(pow[k][d - 1], x);
    return x;
  }
};

/// The one-step transition matrix.
inline gf2_matrix xorwow_matrix() {
  gf2_matrix m{};
  for (int j = 0; j < 160; ++j) {
    std::uint32_t v[5] = {0, 0, 0, 0, 0};
    v[j / 32] = 1u << (j % 32);
    xorwow_step(v);
    std::memcpy(m.col[j].w, v, sizeof v);
  }
  return m;
}

/// Jumps by single numbers (skipahead, curand_init's offset); built on first use.
inline const jump_table& xorwow_offset_jumps() {
  static const jump_table* const table = new jump_table(xorwow_matrix());
  return *table;
}

/// Jumps by subsequences of 2^67 numbers (skipahead_sequence, curand_init's subsequence); built on first use.
inline const jump_table& xorwow_sequence_jumps() {
  static const jump_table* const table = [] {
    gf2_matrix m = xorwow_matrix();
    gf2_matrix next{};
    for (int i = 0; i < 67; ++i) {
      multiply(m, m, &next);
      m = next;
    }
    return new jump_table(m);
  }();
  return *table;
}

/// Moves the xorshift words of @p s by @p table's J^n.
inline void xorwow_jump(const jump_table& table, unsigned long long n, curandStateXORWOW_t* s) {
  if (n == 0) return;
  bits160 x;
  std::memcpy(x.w, s->v, sizeof x.w);
  x = table.jump(n, x);
  std::memcpy(s->v, x.w, sizeof x.w);
}

// ---- Philox4x32-10 ----

/// The Philox4x32-10 bijection of counter @p c under key @p k (Random123's constants).
inline uint4 philox4x32_10(uint4 c, uint2 k) {
  constexpr std::uint32_t m0 = 0xD2511F53u;
  constexpr std::uint32_t m1 = 0xCD9E8D57u;
  constexpr std::uint32_t w0 = 0x9E3779B9u;  // golden ratio
  constexpr std::uint32_t w1 = 0xBB67AE85u;  // sqrt(3) - 1
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k.x += w0;
      k.y += w1;
    }
    const std::uint64_t p0 = static_cast<std::uint64_t>(m0) * c.x;
    const std::uint64_t p1 = static_cast<std::uint64_t>(m1) * c.z;
    const uint4 prev = c;
    c.x = static_cast<std::uint32_t>(p1 >> 32) ^ prev.y ^ k.x;
    c.y = static_cast<std::uint32_t>(p1);
    c.z = static_cast<std::uint32_t>(p0 >> 32) ^ prev.w ^ k.y;
    c.w = static_cast<std::uint32_t>(p0);
  }
  return c;
}

/// Adds @p n to the counter's low 64 bits, carrying into the high 64.
inline void philox_add_low(curandStatePhilox4_32_10_t* s, unsigned long long n) {
  std::uint64_t lo = (static_cast<std::uint64_t>(s->ctr.y) << 32 | s->ctr.x) + n;
  std::uint64_t hi = static_cast<std::uint64_t>(s->ctr.w) << 32 | s->ctr.z;
  if (lo < n) ++hi;
  s->ctr = make_uint4(static_cast<unsigned>(lo), static_cast<unsigned>(lo >> 32), static_cast<unsigned>(hi),
                      static_cast<unsigned>(hi >> 32));
}

/// Adds @p n to the counter's high 64 bits (the subsequence).
inline void philox_add_high(curandStatePhilox4_32_10_t* s, unsigned long long n) {
  const std::uint64_t hi = (static_cast<std::uint64_t>(s->ctr.w) << 32 | s->ctr.z) + n;
  s->ctr.z = static_cast<unsigned>(hi);
  s->ctr.w = static_cast<unsigned>(hi >> 32);
}

// ---- MRG32k3a (L'Ecuyer, "Good parameters and implementations for combined multiple recursive random number
// generators", Operations Research 1999) ----

inline constexpr std::uint64_t mrg_m1 = 4294967087u;  ///< modulus of component 1
inline constexpr std::uint64_t mrg_m2 = 4294944443u;  ///< modulus of component 2

/// A 3 x 3 matrix mod m, acting on a component's (oldest, middle, newest) values.
struct mrg_matrix {
  std::uint64_t a[3][3];  ///< rows
};

/// a * b mod m.
inline mrg_matrix mrg_multiply(const mrg_matrix& a, const mrg_matrix& b, std::uint64_t m) {
  mrg_matrix r{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      unsigned __int128 acc = 0;
      for (int k = 0; k < 3; ++k) acc += static_cast<unsigned __int128>(a.a[i][k]) * b.a[k][j];
      r.a[i][j] = static_cast<std::uint64_t>(acc % m);
    }
  return r;
}

/// The one-step matrix of component 1 (@p second false) or 2.
inline mrg_matrix mrg_step_matrix(bool second) {
  if (!second) return mrg_matrix{{{0, 1, 0}, {0, 0, 1}, {mrg_m1 - 810728u, 1403580u, 0}}};
  return mrg_matrix{{{0, 1, 0}, {0, 0, 1}, {mrg_m2 - 1370589u, 0, 527612u}}};
}

/// Moves the component @p s (mod @p m) by (@p base)^n, where base = step^(2^e).
inline void mrg_jump(unsigned int s[3], bool second, unsigned e, unsigned long long n) {
  if (n == 0) return;
  const std::uint64_t m = second ? mrg_m2 : mrg_m1;
  mrg_matrix base = mrg_step_matrix(second);
  for (unsigned i = 0; i < e; ++i) base = mrg_multiply(base, base, m);
  mrg_matrix acc{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  for (; n != 0; n >>= 1) {
    if (n & 1u) acc = mrg_multiply(acc, base, m);
    if (n > 1) base = mrg_multiply(base, base, m);
  }
  std::uint64_t v[3];
  for (int i = 0; i < 3; ++i) {
    unsigned __int128 x = 0;
    for (int k = 0; k < 3; ++k) x += static_cast<unsigned __int128>(acc.a[i][k]) * s[k];
    v[i] = static_cast<std::uint64_t>(x % m);
  }
  for (int i = 0; i < 3; ++i) s[i] = static_cast<unsigned int>(v[i]);
}

/// Both components by 2^e n numbers.
inline void mrg_jump(curandStateMRG32k3a_t* state, unsigned e, unsigned long long n) {
  mrg_jump(state->s1, false, e, n);
  mrg_jump(state->s2, true, e, n);
}

/// The next value in [1, m1] (as an integer; cuRAND's is this value as a double).
inline std::uint64_t mrg_next(curandStateMRG32k3a_t* state) {
  unsigned int* s1 = state->s1;
  unsigned int* s2 = state->s2;
  const std::uint64_t p1 = (1403580u * static_cast<std::uint64_t>(s1[1]) + 810728u * (mrg_m1 - s1[0])) % mrg_m1;
  const std::uint64_t p2 = (527612u * static_cast<std::uint64_t>(s2[2]) + 1370589u * (mrg_m2 - s2[0])) % mrg_m2;
  s1[0] = s1[1];
  s1[1] = s1[2];
  s1[2] = static_cast<unsigned int>(p1);
  s2[0] = s2[1];
  s2[1] = s2[2];
  s2[2] = static_cast<unsigned int>(p2);
  return p1 > p2 ? p1 - p2 : p1 - p2 + mrg_m1;
}

/// 1 / (m1 + 1): maps [1, m1] into (0, 1).
inline constexpr double mrg_norm = 2.3283065498378288e-10;

// ---- integers to floating point ----

/// (0, 1]: x 2^-32 + 2^-33.
inline float uniform_from(unsigned int x) { return static_cast<float>(x) * 0x1p-32f + 0x1p-33f; }
/// (0, 1] from a 64-bit integer's high half.
inline float uniform_from(unsigned long long x) { return uniform_from(static_cast<unsigned int>(x >> 32)); }
/// (0, 1]: x 2^-32 + 2^-32 (one 32-bit integer).
inline double uniform_double_from(unsigned int x) { return static_cast<double>(x) * 0x1p-32 + 0x1p-32; }
/// (0, 1] from a 64-bit integer's high 53 bits.
inline double uniform_double_from(unsigned long long x) {
  return static_cast<double>(x >> 11) * 0x1p-53 + 0x1p-54;
}
/// (0, 1] with 53 bits from two integers: x ^ (y << 21).
inline double uniform_double_from(unsigned int x, unsigned int y) {
  const unsigned long long z = static_cast<unsigned long long>(x) ^ (static_cast<unsigned long long>(y) << 21);
  return static_cast<double>(z) * 0x1p-53 + 0x1p-54;
}

/// Two independent standard normals from two integers (Box-Muller; the first uses sin, the second cos).
inline float2 box_muller(unsigned int x, unsigned int y) {
  constexpr float two_pi = 6.2831855f;
  const float u = uniform_from(x);
  const float v = static_cast<float>(y) * (0x1p-32f * two_pi) + (0x1p-33f * two_pi);
  const float s = std::sqrt(-2.0f * std::log(u));
  return make_float2(std::sin(v) * s, std::cos(v) * s);
}

/// Two standard normals in double from four integers (53-bit u and angle).
inline double2 box_muller_double(unsigned int x0, unsigned int x1, unsigned int y0, unsigned int y1) {
  constexpr double pi = 3.1415926535897931;
  const double u = uniform_double_from(x0, x1);
  const unsigned long long zy = static_cast<unsigned long long>(y0) ^ (static_cast<unsigned long long>(y1) << 21);
  const double v = static_cast<double>(zy) * 0x1p-52 + 0x1p-53;  // in (0, 2]: the angle over pi
  const double s = std::sqrt(-2.0 * std::log(u));
  return make_double2(std::sin(v * pi) * s, std::cos(v * pi) * s);
}

/// The standard normal quantile of @p p in (0, 1): Acklam's rational approximation (relative error 1.15e-9)
/// refined by one Halley step on erfc, which leaves it accurate to about 1e-15.
inline double normal_quantile(double p) {
  constexpr double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                           1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                           6.680131188771972e+01,  -1.328068155288572e+01};
  constexpr double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                           -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[4] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                           3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x;
  if (p < p_low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - p_low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * 3.14159265358979323846) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

/// A standard normal from one integer by the inverse CDF, mirrored as cuRAND does: x <= 2^31 maps to
/// -quantile(x 2^-32 + 2^-33) >= 0, larger x to the negative side.
inline double normal_icdf(unsigned int x) {
  double sign = -1.0;
  if (x > 0x80000000u) {
    x = 0xffffffffu - x;
    sign = 1.0;
  }
  return sign * normal_quantile(static_cast<double>(x) * 0x1p-32 + 0x1p-33);
}

/// A standard normal from a 64-bit integer's high 53 bits by the inverse CDF.
inline double normal_icdf_double(unsigned long long x) {
  x >>= 11;
  double sign = -1.0;
  if (x > (1ull << 52)) {
    x = (1ull << 53) - 1 - x;
    sign = 1.0;
  }
  return sign * normal_quantile(static_cast<double>(x) * 0x1p-53 + 0x1p-54);
}

}  // namespace cudacpu::rand

// ---- XORWOW ----

/// Skips @p n numbers of @p state's sequence (any n; cost grows with log16 n).
__device__ inline void skipahead(unsigned long long n, curandStateXORWOW_t* state) {
  if (n != 0) cudacpu::rand::xorwow_jump(cudacpu::rand::xorwow_offset_jumps(), n, state);
  state->d += 362437u * static_cast<unsigned int>(n);
}

/// Skips @p n subsequences of 2^67 numbers each.
__device__ inline void skipahead_sequence(unsigned long long n, curandStateXORWOW_t* state) {
  // The Weyl counter moves by 362437 * 2^67 * n, a multiple of 2^32: it stays.
  if (n != 0) cudacpu::rand::xorwow_jump(cudacpu::rand::xorwow_sequence_jumps(), n, state);
}

/// Starts @p state at number @p offset of subsequence @p subsequence of the sequence @p seed selects.
/// @param seed        any 64 bits (0 gives Marsaglia's published initial words)
/// @param subsequence which block of 2^67 numbers: threads given different subsequences never overlap
/// @param offset      numbers to skip within it
/// @param state       the state to set
__device__ inline void curand_init(unsigned long long seed, unsigned long long subsequence, unsigned long long offset,
                                   curandStateXORWOW_t* state) {
  // cuRAND's seeding: two salted, multiplied halves of the seed added into Marsaglia's initial words.
  const unsigned int s0 = static_cast<unsigned int>(seed) ^ 0xaad26b49u;
  const unsigned int s1 = static_cast<unsigned int>(seed >> 32) ^ 0xf7dcefddu;
  const unsigned int t0 = 1099087573u * s0;
  const unsigned int t1 = 2591861531u * s1;
  state->d = 6615241u + t1 + t0;
  state->v[0] = 123456789u + t0;
  state->v[1] = 362436069u ^ t0;
  state->v[2] = 521288629u + t1;
  state->v[3] = 88675123u ^ t1;
  state->v[4] = 5783321u + t0;
  skipahead_sequence(subsequence, state);
  skipahead(offset, state);
  state->boxmuller_flag = 0;
  state->boxmuller_flag_double = 0;
  state->boxmuller_extra = 0.0f;
  state->boxmuller_extra_double = 0.0;
}

/// The next 32 random bits.
__device__ inline unsigned int curand(curandStateXORWOW_t* state) {
  cudacpu::rand::xorwow_step(state->v);
  state->d += 362437u;
  return state->v[4] + state->d;
}

// ---- Philox4x32-10 ----

/// Skips @p n numbers.
__device__ inline void skipahead(unsigned long long n, curandStatePhilox4_32_10_t* state) {
  state->STATE += static_cast<unsigned int>(n & 3u);
  n /= 4;
  if (state->STATE > 3) {
    n += 1;
    state->STATE -= 4;
  }
  cudacpu::rand::philox_add_low(state, n);
  state->output = cudacpu::rand::philox4x32_10(state->ctr, state->key);
}

/// Skips @p n subsequences of 2^66 numbers each.
__device__ inline void skipahead_sequence(unsigned long long n, curandStatePhilox4_32_10_t* state) {
  cudacpu::rand::philox_add_high(state, n);
  state->output = cudacpu::rand::philox4x32_10(state->ctr, state->key);
}

/// Starts @p state at number @p offset of subsequence @p subsequence (2^66 numbers each) under key @p seed.
__device__ inline void curand_init(unsigned long long seed, unsigned long long subsequence, unsigned long long offset,
                                   curandStatePhilox4_32_10_t* state) {
  state->ctr = make_uint4(0, 0, 0, 0);
  state->key = make_uint2(static_cast<unsigned int>(seed), static_cast<unsigned int>(seed >> 32));
  state->STATE = 0;
  state->boxmuller_flag = 0;
  state->boxmuller_flag_double = 0;
  state->boxmuller_extra = 0.0f;
  state->boxmuller_extra_double = 0.0;
  skipahead_sequence(subsequence, state);
  skipahead(offset, state);
}

/// The next 32 random bits.
__device__ inline unsigned int curand(curandStatePhilox4_32_10_t* state) {
  const uint4& o = state->output;
  const unsigned int r = state->STATE == 0 ? o.x : state->STATE == 1 ? o.y : state->STATE == 2 ? o.z : o.w;
  if (++state->STATE == 4) {
    cudacpu::rand::philox_add_low(state, 1);
    state->output = cudacpu::rand::philox4x32_10(state->ctr, state->key);
    state->STATE = 0;
  }
  return r;
}

/// The next four numbers at once (the state moves to the next counter).
__device__ inline uint4 curand4(curandStatePhilox4_32_10_t* state) {
  const uint4 t = state->output;
  cudacpu::rand::philox_add_low(state, 1);
  state->output = cudacpu::rand::philox4x32_10(state->ctr, state->key);
  const uint4 n = state->output;
  switch (state->STATE) {
    case 1: return make_uint4(t.y, t.z, t.w, n.x);
    case 2: return make_uint4(t.z, t.w, n.x, n.y);
    case 3: return make_uint4(t.w, n.x, n.y, n.z);
    default: return t;
  }
}

// ---- MRG32k3a ----

/// Skips @p n numbers.
__device__ inline void skipahead(unsigned long long n, curandStateMRG32k3a_t* state) {
  cudacpu::rand::mrg_jump(state, 0, n);
}

/// Skips @p n subsequences of 2^76 numbers each (n is taken mod 2^51, as in cuRAND).
__device__ inline void skipahead_subsequence(unsigned long long n, curandStateMRG32k3a_t* state) {
  cudacpu::rand::mrg_jump(state, 76, n & ((1ull << 51) - 1));
}

/// Skips @p n sequences of 2^127 numbers each.
__device__ inline void skipahead_sequence(unsigned long long n, curandStateMRG32k3a_t* state) {
  cudacpu::rand::mrg_jump(state, 127, n);
}

/// Starts @p state at number @p offset of subsequence @p subsequence (2^76 numbers each) of seed @p seed.
__device__ inline void curand_init(unsigned long long seed, unsigned long long subsequence, unsigned long long offset,
                                   curandStateMRG32k3a_t* state) {
  for (int i = 0; i < 3; ++i) {
    state->s1[i] = 12345u;
    state->s2[i] = 12345u;
  }
  if (seed != 0) {
    // cuRAND's seeding: the salted halves of the seed multiply the default words.
    const std::uint64_t x1 = static_cast<unsigned int>(seed) ^ 0x55555555u;
    const std::uint64_t x2 = static_cast<unsigned int>(seed >> 32) ^ 0xAAAAAAAAu;
    using cudacpu::rand::mrg_m1;
    using cudacpu::rand::mrg_m2;
    state->s1[0] = static_cast<unsigned int>(x1 * 12345u % mrg_m1);
    state->s1[1] = static_cast<unsigned int>(x2 * 12345u % mrg_m1);
    state->s1[2] = static_cast<unsigned int>(x1 * 12345u % mrg_m1);
    state->s2[0] = static_cast<unsigned int>(x2 * 12345u % mrg_m2);
    state->s2[1] = static_cast<unsigned int>(x1 * 12345u % mrg_m2);
    state->s2[2] = static_cast<unsigned int>(x2 * 12345u % mrg_m2);
  }
  skipahead_subsequence(subsequence, state);
  skipahead(offset, state);
  state->boxmuller_flag = 0;
  state->boxmuller_flag_double = 0;
  state->boxmuller_extra = 0.0f;
  state->boxmuller_extra_double = 0.0;
}

/// The next 32 random bits (the value in [1, m1] scaled to 32 bits, as cuRAND does).
__device__ inline unsigned int curand(curandStateMRG32k3a_t* state) {
  return static_cast<unsigned int>(static_cast<double>(cudacpu::rand::mrg_next(state)) * 1.000000048662);
}

// ---- Sobol ----

/// Skips @p n points.
__device__ inline void skipahead(unsigned int n, curandStateSobol32_t* state) {
  state->i += n;
  const unsigned int gray = state->i ^ (state->i >> 1);
  state->x = state->c;
  for (int k = 0; k < 32; ++k)
    if (gray & (1u << k)) state->x ^= state->direction_vectors[k];
}

/// Skips @p n points.
__device__ inline void skipahead(unsigned long long n, curandStateSobol64_t* state) {
  state->i += n;
  const unsigned long long gray = state->i ^ (state->i >> 1);
  state->x = state->c;
  for (int k = 0; k < 64; ++k)
    if (gray & (1ull << k)) state->x ^= state->direction_vectors[k];
}

/// Starts one Sobol32 dimension, given its direction vectors, at point @p offset.
__device__ inline void curand_init(curandDirectionVectors32_t direction_vectors, unsigned int offset,
                                   curandStateSobol32_t* state) {
  state->i = 0;
  state->c = 0;
  for (int k = 0; k < 32; ++k) state->direction_vectors[k] = direction_vectors[k];
  state->x = 0;
  skipahead(offset, state);
}

/// Starts one Sobol64 dimension, given its direction vectors, at point @p offset.
__device__ inline void curand_init(curandDirectionVectors64_t direction_vectors, unsigned long long offset,
                                   curandStateSobol64_t* state) {
  state->i = 0;
  state->c = 0;
  for (int k = 0; k < 64; ++k) state->direction_vectors[k] = direction_vectors[k];
  state->x = 0;
  skipahead(offset, state);
}

/// The next point's 32 bits (Gray code: flip the direction vector of i's lowest zero bit).
__device__ inline unsigned int curand(curandStateSobol32_t* state) {
  const unsigned int r = state->x;
  const unsigned int i = state->i;
  state->x ^= state->direction_vectors[~i == 0 ? 31 : __builtin_ctz(~i)];
  state->i = i + 1;
  return r;
}

/// The next point's 64 bits.
__device__ inline unsigned long long curand(curandStateSobol64_t* state) {
  const unsigned long long r = state->x;
  const unsigned long long i = state->i;
  state->x ^= state->direction_vectors[~i == 0 ? 63 : __builtin_ctzll(~i)];
  state->i = i + 1;
  return r;
}

// ---- uniform ----

/// Uniform float in (0, 1].
__device__ inline float curand_uniform(curandStateXORWOW_t* state) {
  return cudacpu::rand::uniform_from(curand(state));
}
/// Uniform float in (0, 1].
__device__ inline float curand_uniform(curandStatePhilox4_32_10_t* state) {
  return cudacpu::rand::uniform_from(curand(state));
}
/// Uniform float in (0, 1].
__device__ inline float curand_uniform(curandStateSobol32_t* state) {
  return cudacpu::rand::uniform_from(curand(state));
}
/// Uniform float in (0, 1] (from the point's high 32 bits).
__device__ inline float curand_uniform(curandStateSobol64_t* state) {
  return cudacpu::rand::uniform_from(curand(state));
}
/// Uniform float in (0, 1].
__device__ inline float curand_uniform(curandStateMRG32k3a_t* state) {
  return static_cast<float>(static_cast<double>(cudacpu::rand::mrg_next(state)) * cudacpu::rand::mrg_norm);
}
/// Four uniform floats from one counter.
__device__ inline float4 curand_uniform4(curandStatePhilox4_32_10_t* state) {
  const uint4 x = curand4(state);
  using cudacpu::rand::uniform_from;
  return make_float4(uniform_from(x.x), uniform_from(x.y), uniform_from(x.z), uniform_from(x.w));
}

/// Uniform double in (0, 1] with 53 random bits (two numbers).
__device__ inline double curand_uniform_double(curandStateXORWOW_t* state) {
  const unsigned int x = curand(state);
  const unsigned int y = curand(state);
  return cudacpu::rand::uniform_double_from(x, y);
}
/// Uniform double in (0, 1] with 32 random bits (one number, as cuRAND does for Philox).
__device__ inline double curand_uniform_double(curandStatePhilox4_32_10_t* state) {
  return cudacpu::rand::uniform_double_from(curand(state));
}
/// Two uniform doubles with 53 bits each from one counter.
__device__ inline double2 curand_uniform2_double(curandStatePhilox4_32_10_t* state) {
  const uint4 x = curand4(state);
  return make_double2(cudacpu::rand::uniform_double_from(x.x, x.y), cudacpu::rand::uniform_double_from(x.z, x.w));
}
/// Uniform double in (0, 1).
__device__ inline double curand_uniform_double(curandStateMRG32k3a_t* state) {
  return static_cast<double>(cudacpu::rand::mrg_next(state)) * cudacpu::rand::mrg_norm;
}
/// Uniform double in (0, 1] with 32 bits.
__device__ inline double curand_uniform_double(curandStateSobol32_t* state) {
  return cudacpu::rand::uniform_double_from(curand(state));
}
/// Uniform double in (0, 1] with 53 bits.
__device__ inline double curand_uniform_double(curandStateSobol64_t* state) {
  return cudacpu::rand::uniform_double_from(curand(state));
}

// ---- normal and log-normal ----

namespace cudacpu::rand {
/// One of a Box-Muller pair of floats, keeping the other in the state (flag @p kind) for the next call.
template <class State, class Map>
inline float paired_normal(State* state, int kind, Map map) {
  if (state->boxmuller_flag != kind) {
    const unsigned int x = curand(state);
    const unsigned int y = curand(state);
    const float2 v = box_muller(x, y);
    state->boxmuller_extra = map(v.y);
    state->boxmuller_flag = kind;
    return map(v.x);
  }
  state->boxmuller_flag = 0;
  return state->boxmuller_extra;
}
/// Four integers for a double Box-Muller pair: four numbers (XORWOW) or one counter (Philox), as cuRAND draws them.
inline uint4 four_numbers(curandStateXORWOW_t* state) {
  uint4 r;
  r.x = curand(state);
  r.y = curand(state);
  r.z = curand(state);
  r.w = curand(state);
  return r;
}
/// Four integers for a double Box-Muller pair (one Philox counter).
inline uint4 four_numbers(curandStatePhilox4_32_10_t* state) { return curand4(state); }
/// One of a Box-Muller pair of doubles, keeping the other in the state.
template <class State, class Map>
inline double paired_normal_double(State* state, int kind, Map map) {
  if (state->boxmuller_flag_double != kind) {
    const uint4 x = four_numbers(state);
    const double2 v = box_muller_double(x.x, x.y, x.z, x.w);
    state->boxmuller_extra_double = map(v.y);
    state->boxmuller_flag_double = kind;
    return map(v.x);
  }
  state->boxmuller_flag_double = 0;
  return state->boxmuller_extra_double;
}
/// The identity, for plain normals.
struct as_is {
  template <class T>
  T operator()(T x) const { return x; }
};
/// exp(mean + stddev x), for log-normals.
template <class T>
struct log_normal_map {
  T mean;    ///< of the underlying normal
  T stddev;  ///< of the underlying normal
  T operator()(T x) const { return std::exp(mean + stddev * x); }
};
}  // namespace cudacpu::rand

namespace cudacpu::rand {
/// Box-Muller from two MRG32k3a uniforms (cuRAND draws them as floats).
inline float2 box_muller_mrg(curandStateMRG32k3a_t* state) {
  const float x = curand_uniform(state);
  const float y = curand_uniform(state) * 6.2831855f;
  const float s = std::sqrt(-2.0f * std::log(x));
  return make_float2(std::sin(y) * s, std::cos(y) * s);
}
/// Box-Muller in double from two MRG32k3a uniforms.
inline double2 box_muller_mrg_double(curandStateMRG32k3a_t* state) {
  const double x = curand_uniform_double(state);
  const double y = curand_uniform_double(state) * 2.0;
  const double s = std::sqrt(-2.0 * std::log(x));
  return make_double2(std::sin(y * 3.1415926535897931) * s, std::cos(y * 3.1415926535897931) * s);
}
/// One of an MRG32k3a Box-Muller pair of floats, keeping the other in the state.
template <class Map>
inline float paired_normal(curandStateMRG32k3a_t* state, int kind, Map map) {
  if (state->boxmuller_flag != kind) {
    const float2 v = box_muller_mrg(state);
    state->boxmuller_extra = map(v.y);
    state->boxmuller_flag = kind;
    return map(v.x);
  }
  state->boxmuller_flag = 0;
  return state->boxmuller_extra;
}
/// One of an MRG32k3a Box-Muller pair of doubles, keeping the other in the state.
template <class Map>
inline double paired_normal_double(curandStateMRG32k3a_t* state, int kind, Map map) {
  if (state->boxmuller_flag_double != kind) {
    const double2 v = box_muller_mrg_double(state);
    state->boxmuller_extra_double = map(v.y);
    state->boxmuller_flag_double = kind;
    return map(v.x);
  }
  state->boxmuller_flag_double = 0;
  return state->boxmuller_extra_double;
}
}  // namespace cudacpu::rand

/// Standard normal float (Box-Muller: every second call returns the pair's second value).
__device__ inline float curand_normal(curandStateMRG32k3a_t* state) {
  return cudacpu::rand::paired_normal(state, EXTRA_FLAG_NORMAL, cudacpu::rand::as_is{});
}
/// Standard normal double.
__device__ inline double curand_normal_double(curandStateMRG32k3a_t* state) {
  return cudacpu::rand::paired_normal_double(state, EXTRA_FLAG_NORMAL, cudacpu::rand::as_is{});
}
/// Two standard normal floats.
__device__ inline float2 curand_normal2(curandStateMRG32k3a_t* state) { return cudacpu::rand::box_muller_mrg(state); }
/// Two standard normal doubles.
__device__ inline double2 curand_normal2_double(curandStateMRG32k3a_t* state) {
  return cudacpu::rand::box_muller_mrg_double(state);
}
/// Log-normal float.
__device__ inline float curand_log_normal(curandStateMRG32k3a_t* state, float mean, float stddev) {
  return cudacpu::rand::paired_normal(state, EXTRA_FLAG_LOG_NORMAL, cudacpu::rand::log_normal_map<float>{mean, stddev});
}
/// Log-normal double.
__device__ inline double curand_log_normal_double(curandStateMRG32k3a_t* state, double mean, double stddev) {
  return cudacpu::rand::paired_normal_double(state, EXTRA_FLAG_LOG_NORMAL,
                                             cudacpu::rand::log_normal_map<double>{mean, stddev});
}
/// Poisson-distributed integer with mean @p lambda.
__device__ inline unsigned int curand_poisson(curandStateMRG32k3a_t* state, double lambda);

/// Standard normal float (Box-Muller: every second call returns the pair's second value).
__device__ inline float curand_normal(curandStateXORWOW_t* state) {
  return cudacpu::rand::paired_normal(state, EXTRA_FLAG_NORMAL, cudacpu::rand::as_is{});
}
/// Standard normal float (Box-Muller: every second call returns the pair's second value).
__device__ inline float curand_normal(curandStatePhilox4_32_10_t* state) {
  return cudacpu::rand::paired_normal(state, EXTRA_FLAG_NORMAL, cudacpu::rand::as_is{});
}
/// Standard normal float by the inverse CDF of the next point.
__device__ inline float curand_normal(curandStateSobol32_t* state) {
  return static_cast<float>(cudacpu::rand::normal_icdf(curand(state)));
}
/// Standard normal float by the inverse CDF of the next point's high 32 bits.
__device__ inline float curand_normal(curandStateSobol64_t* state) {
  return static_cast<float>(cudacpu::rand::normal_icdf(static_cast<unsigned int>(curand(state) >> 32)));
}
/// Two standard normal floats.
__device__ inline float2 curand_normal2(curandStateXORWOW_t* state) {
  const unsigned int x = curand(state);
  const unsigned int y = curand(state);
  return cudacpu::rand::box_muller(x, y);
}
/// Two standard normal floats.
__device__ inline float2 curand_normal2(curandStatePhilox4_32_10_t* state) {
  const unsigned int x = curand(state);
  const unsigned int y = curand(state);
  return cudacpu::rand::box_muller(x, y);
}
/// Four standard normal floats from one counter.
__device__ inline float4 curand_normal4(curandStatePhilox4_32_10_t* state) {
  const uint4 x = curand4(state);
  const float2 a = cudacpu::rand::box_muller(x.x, x.y);
  const float2 b = cudacpu::rand::box_muller(x.z, x.w);
  return make_float4(a.x, a.y, b.x, b.y);
}
/// Standard normal double.
__device__ inline double curand_normal_double(curandStateXORWOW_t* state) {
  return cudacpu::rand::paired_normal_double(state, EXTRA_FLAG_NORMAL, cudacpu::rand::as_is{});
}
/// Standard normal double.
__device__ inline double curand_normal_double(curandStatePhilox4_32_10_t* state) {
  return cudacpu::rand::paired_normal_double(state, EXTRA_FLAG_NORMAL, cudacpu::rand::as_is{});
}
/// Standard normal double by the inverse CDF of the next point (32 bits).
__device__ inline double curand_normal_double(curandStateSobol32_t* state) {
  return cudacpu::rand::normal_icdf(curand(state));
}
/// Standard normal double by the inverse CDF of the next point (53 bits).
__device__ inline double curand_normal_double(curandStateSobol64_t* state) {
  return cudacpu::rand::normal_icdf_double(curand(state));
}
/// Two standard normal doubles.
__device__ inline double2 curand_normal2_double(curandStateXORWOW_t* state) {
  const uint4 x = cudacpu::rand::four_numbers(state);
  return cudacpu::rand::box_muller_double(x.x, x.y, x.z, x.w);
}
/// Two standard normal doubles from one counter.
__device__ inline double2 curand_normal2_double(curandStatePhilox4_32_10_t* state) {
  const uint4 x = curand4(state);
  return cudacpu::rand::box_muller_double(x.x, x.y, x.z, x.w);
}

/// Log-normal float: exp(mean + stddev z) for a standard normal z.
__device__ inline float curand_log_normal(curandStateXORWOW_t* state, float mean, float stddev) {
  return cudacpu::rand::paired_normal(state, EXTRA_FLAG_LOG_NORMAL, cudacpu::rand::log_normal_map<float>{mean, stddev});
}
/// Log-normal float.
__device__ inline float curand_log_normal(curandStatePhilox4_32_10_t* state, float mean, float stddev) {
  return cudacpu::rand::paired_normal(state, EXTRA_FLAG_LOG_NORMAL, cudacpu::rand::log_normal_map<float>{mean, stddev});
}
/// Log-normal float.
__device__ inline float curand_log_normal(curandStateSobol32_t* state, float mean, float stddev) {
  return std::exp(mean + stddev * curand_normal(state));
}
/// Log-normal float.
__device__ inline float curand_log_normal(curandStateSobol64_t* state, float mean, float stddev) {
  return std::exp(mean + stddev * curand_normal(state));
}
/// Log-normal double.
__device__ inline double curand_log_normal_double(curandStateXORWOW_t* state, double mean, double stddev) {
  return cudacpu::rand::paired_normal_double(state, EXTRA_FLAG_LOG_NORMAL,
                                             cudacpu::rand::log_normal_map<double>{mean, stddev});
}
/// Log-normal double.
__device__ inline double curand_log_normal_double(curandStatePhilox4_32_10_t* state, double mean, double stddev) {
  return cudacpu::rand::paired_normal_double(state, EXTRA_FLAG_LOG_NORMAL,
                                             cudacpu::rand::log_normal_map<double>{mean, stddev});
}
/// Log-normal double.
__device__ inline double curand_log_normal_double(curandStateSobol32_t* state, double mean, double stddev) {
  return std::exp(mean + stddev * curand_normal_double(state));
}
/// Log-normal double.
__device__ inline double curand_log_normal_double(curandStateSobol64_t* state, double mean, double stddev) {
  return std::exp(mean + stddev * curand_normal_double(state));
}
/// Two log-normal floats.
__device__ inline float2 curand_log_normal2(curandStateXORWOW_t* state, float mean, float stddev) {
  const float2 z = curand_normal2(state);
  return make_float2(std::exp(mean + stddev * z.x), std::exp(mean + stddev * z.y));
}
/// Two log-normal floats.
__device__ inline float2 curand_log_normal2(curandStatePhilox4_32_10_t* state, float mean, float stddev) {
  const float2 z = curand_normal2(state);
  return make_float2(std::exp(mean + stddev * z.x), std::exp(mean + stddev * z.y));
}

// ---- Poisson ----

namespace cudacpu::rand {
/// A Poisson(@p lambda) draw: multiplying uniforms for small lambda, Hoermann's transformed rejection (PTRS,
/// "The transformed rejection method for generating Poisson random variables", 1993) from 10 on. Same
/// distribution as cuRAND's, not its numbers.
template <class State>
inline unsigned int poisson(State* state, double lambda) {
  if (!(lambda > 0.0)) return 0;
  if (lambda < 10.0) {
    const double limit = std::exp(-lambda);
    double prod = curand_uniform_double(state);
    unsigned int k = 0;
    while (prod > limit) {
      prod *= curand_uniform_double(state);
      ++k;
    }
    return k;
  }
  const double slam = std::sqrt(lambda);
  const double loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = curand_uniform_double(state) - 0.5;
    const double v = 1.0 - curand_uniform_double(state);  // [0, 1)
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<unsigned int>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -lambda + k * loglam - std::lgamma(k + 1))
      return static_cast<unsigned int>(k);
  }
}
}  // namespace cudacpu::rand

/// Poisson-distributed integer with mean @p lambda.
__device__ inline unsigned int curand_poisson(curandStateXORWOW_t* state, double lambda) {
  return cudacpu::rand::poisson(state, lambda);
}
/// Poisson-distributed integer with mean @p lambda.
__device__ inline unsigned int curand_poisson(curandStatePhilox4_32_10_t* state, double lambda) {
  return cudacpu::rand::poisson(state, lambda);
}
__device__ inline unsigned int curand_poisson(curandStateMRG32k3a_t* state, double lambda) {
  return cudacpu::rand::poisson(state, lambda);
}

// ---- the host API's generators (curand.h) ----

namespace cudacpu::rand {

/// Loads the generator's state of type @p S, (re)starting it when its settings changed.
template <class S, class Init>
inline S load_state(curandGenerator_st& g, unsigned index, Init init) {
  S s;
  if (g.restart || g.states.size() < (index + 1) * sizeof(S)) {
    init(&s);
  } else {
    std::memcpy(&s, g.states.data() + index * sizeof(S), sizeof(S));
  }
  return s;
}

/// Keeps @p s as the generator's state number @p index.
template <class S>
inline void store_state(curandGenerator_st& g, unsigned index, const S& s) {
  if (g.states.size() < (index + 1) * sizeof(S)) g.states.resize((index + 1) * sizeof(S));
  std::memcpy(g.states.data() + index * sizeof(S), &s, sizeof(S));
}

/// The pseudo-random results: one stream, in order.
template <class S>
inline void produce_pseudo(curandGenerator_st& g, output what, void* out, std::size_t n, double mean,
                           double stddev) {
  S s = load_state<S>(g, 0, [&](S* st) { curand_init(g.seed, 0, g.offset, st); });
  switch (what) {
    case output::bits32: {
      auto* o = static_cast<unsigned int*>(out);
      for (std::size_t i = 0; i < n; ++i) o[i] = curand(&s);
      break;
    }
    case output::bits64: break;  // rejected before
    case output::uniform: {
      auto* o = static_cast<float*>(out);
      for (std::size_t i = 0; i < n; ++i) o[i] = curand_uniform(&s);
      break;
    }
    case output::uniform_double: {
      auto* o = static_cast<double*>(out);
      for (std::size_t i = 0; i < n; ++i) o[i] = curand_uniform_double(&s);
      break;
    }
    case output::normal:
    case output::log_normal: {
      auto* o = static_cast<float*>(out);
      const float m = static_cast<float>(mean);
      const float sd = static_cast<float>(stddev);
      for (std::size_t i = 0; i + 1 < n; i += 2) {
        const float2 z = curand_normal2(&s);
        o[i] = m + sd * z.x;
        o[i + 1] = m + sd * z.y;
        if (what == output::log_normal) {
          o[i] = std::exp(o[i]);
          o[i + 1] = std::exp(o[i + 1]);
        }
      }
      break;
    }
    case output::normal_double:
    case output::log_normal_double: {
      auto* o = static_cast<double*>(out);
      for (std::size_t i = 0; i + 1 < n; i += 2) {
        const double2 z = curand_normal2_double(&s);
        o[i] = mean + stddev * z.x;
        o[i + 1] = mean + stddev * z.y;
        if (what == output::log_normal_double) {
          o[i] = std::exp(o[i]);
          o[i + 1] = std::exp(o[i + 1]);
        }
      }
      break;
    }
  }
  store_state(g, 0, s);
}

/// The quasi-random results: dimension d's next n / dims points fill block d.
template <class S, class Table>
inline void produce_quasi(curandGenerator_st& g, output what, void* out, std::size_t n, double mean,
                          double stddev, Table* table) {
  const std::size_t per = n / g.dimensions;
  for (unsigned d = 0; d < g.dimensions; ++d) {
    S s = load_state<S>(g, d, [&](S* st) { curand_init(table[d], g.offset, st); });
    const std::size_t base = d * per;
    for (std::size_t j = 0; j < per; ++j) {
      const auto x = curand(&s);
      const std::size_t i = base + j;
      switch (what) {
        case output::bits32: static_cast<unsigned int*>(out)[i] = static_cast<unsigned int>(x); break;
        case output::bits64: static_cast<unsigned long long*>(out)[i] = x; break;
        case output::uniform: static_cast<float*>(out)[i] = uniform_from(x); break;
        case output::uniform_double: static_cast<double*>(out)[i] = uniform_double_from(x); break;
        case output::normal:
        case output::log_normal: {
          const unsigned int hi = sizeof x == 8 ? static_cast<unsigned int>(static_cast<unsigned long long>(x) >> 32)
                                                : static_cast<unsigned int>(x);
          float v = static_cast<float>(mean) + static_cast<float>(stddev) * static_cast<float>(normal_icdf(hi));
          static_cast<float*>(out)[i] = what == output::log_normal ? std::exp(v) : v;
          break;
        }
        case output::normal_double:
        case output::log_normal_double: {
          const double z = sizeof x == 8 ? normal_icdf_double(static_cast<unsigned long long>(x))
                                         : normal_icdf(static_cast<unsigned int>(x));
          const double v = mean + stddev * z;
          static_cast<double*>(out)[i] = what == output::log_normal_double ? std::exp(v) : v;
          break;
        }
      }
    }
    store_state(g, d, s);
  }
}

inline void produce(curandGenerator_st& g, output what, void* out, std::size_t n, double mean, double stddev) {
  switch (g.type) {
    case CURAND_RNG_PSEUDO_PHILOX4_32_10:
      produce_pseudo<curandStatePhilox4_32_10_t>(g, what, out, n, mean, stddev);
      break;
    case CURAND_RNG_PSEUDO_MRG32K3A:
      produce_pseudo<curandStateMRG32k3a_t>(g, what, out, n, mean, stddev);
      break;
    case CURAND_RNG_QUASI_SOBOL32:
      produce_quasi<curandStateSobol32_t>(g, what, out, n, mean, stddev,
                                          direction_table<curandDirectionVectors32_t, unsigned int, 32>());
      break;
    case CURAND_RNG_QUASI_SOBOL64:
      produce_quasi<curandStateSobol64_t>(g, what, out, n, mean, stddev,
                                          direction_table<curandDirectionVectors64_t, unsigned long long, 64>());
      break;
    default: produce_pseudo<curandStateXORWOW_t>(g, what, out, n, mean, stddev); break;
  }
  g.restart = false;
}

}  // namespace cudacpu::rand
