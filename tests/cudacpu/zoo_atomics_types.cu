/// @file
/// @brief cudacpu zoo: atomics (all operations and types, a CAS spin lock), `__half`/`__nv_bfloat16`
///        round-to-nearest-even conversions and arithmetic, vector types, and math/bit intrinsics.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "zoo_check.h"

// --- kernels ---

__device__ int spot_value = 3;

struct atomic_cells {
  int i_add, i_sub, i_min, i_max, i_exch, i_cas, i_and, i_or, i_xor;
  unsigned u_add, u_inc, u_dec;
  unsigned long long ull_add, ull_cas;
  float f_add;
  double d_add;
};

__global__ void hammer_atomics(atomic_cells* c) {
  int t = blockIdx.x * blockDim.x + threadIdx.x;  // 0 .. 511
  atomicAdd(&c->i_add, 1);
  atomicSub(&c->i_sub, 2);
  atomicMin(&c->i_min, 100 - t);
  atomicMax(&c->i_max, t - 1000);
  atomicExch(&c->i_exch, 42);
  atomicCAS(&c->i_cas, 0, t + 1);  // only the first succeeds
  atomicAnd(&c->i_and, ~(1 << (t % 31)));
  atomicOr(&c->i_or, 1 << (t % 31));
  atomicXor(&c->i_xor, 1);
  atomicAdd(&c->u_add, 3u);
  atomicInc(&c->u_inc, 99u);  // wraps to 0 after 99
  atomicDec(&c->u_dec, 9u);
  atomicAdd(&c->ull_add, 1ull << 33);
  atomicCAS(&c->ull_cas, 0ull, 7ull);
  atomicAdd(&c->f_add, 0.5f);
  atomicAdd(&c->d_add, 0.25);
}

__global__ void locked_increment(int* lock, int* counter) {
  // Every thread of every block takes the same lock; a failed atomicCAS yields to the block's other threads.
  while (atomicCAS(lock, 0, 1) != 0) {
  }
  __threadfence();
  int v = *counter;  // plain read-modify-write, protected by the lock
  *counter = v + 1;
  __threadfence();
  atomicExch(lock, 0);
}

/// The same lock through the scoped atomics, and each scoped arithmetic atomic once per thread.
__global__ void scoped_atomics(int* lock, int* counter, unsigned* bits, float* sum) {
  while (atomicCAS_system(lock, 0, 1) != 0) {
  }
  int v = *counter;
  *counter = v + 1;
  atomicExch_block(lock, 0);
  atomicAdd_block(sum, 1.0f);
  atomicOr_system(&bits[0], 1u << (threadIdx.x % 32));
  atomicAnd_block(&bits[1], ~(1u << (threadIdx.x % 32)));
  atomicMax_system(reinterpret_cast<int*>(&bits[2]), static_cast<int>(threadIdx.x));
  atomicInc_block(&bits[3], 1000u);
  atomicSub_system(reinterpret_cast<int*>(&bits[4]), 2);
}

/// Directed rounding: each pair brackets the exact result (interval arithmetic's building blocks).
__global__ void directed_rounding(const float* in, float* out, double* dout) {
  const float third = in[0] / in[1];  // the operands come from memory: nothing is folded at compile time
  out[0] = __fdiv_rd(in[0], in[1]);
  out[1] = __fdiv_ru(in[0], in[1]);
  out[2] = __fadd_rd(in[0], in[2]);
  out[3] = __fadd_ru(in[0], in[2]);
  out[4] = __fsqrt_rd(in[1]);
  out[5] = __fsqrt_ru(in[1]);
  out[6] = __fmul_rz(-third, in[1]);
  out[7] = __fmul_rd(-third, in[1]);
  dout[0] = __ddiv_rd(static_cast<double>(in[0]), static_cast<double>(in[1]));
  dout[1] = __ddiv_ru(static_cast<double>(in[0]), static_cast<double>(in[1]));
}

__global__ void convert_halves(const float* in, unsigned short* h_bits, unsigned short* b_bits, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) {
    h_bits[i] = __half_as_ushort(__float2half(in[i]));
    b_bits[i] = __bfloat16_as_ushort(__float2bfloat16(in[i]));
  }
}

__global__ void sum_float4(const float4* in, float* out, int n4) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n4) {
    float4 v = in[i];
    out[i] = v.x + v.y + v.z + v.w;
  }
}

// --- tests ---

TEST_CASE("atomics on int, unsigned, unsigned long long, float and double give the exact results",
          "[cudacpu][atomics]") {
  atomic_cells init{};
  init.i_min = 1 << 30;
  init.i_max = -(1 << 30);
  init.i_and = -1;
  init.u_dec = 0;
  zoo_buffer<atomic_cells> d(std::vector<atomic_cells>{init});
  hammer_atomics<<<4, 128>>>(d.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const atomic_cells c = d.download()[0];
  const int n = 512;
  CHECK(c.i_add == n);
  CHECK(c.i_sub == -2 * n);
  CHECK(c.i_min == 100 - (n - 1));
  CHECK(c.i_max == (n - 1) - 1000);
  CHECK(c.i_exch == 42);
  CHECK(c.i_cas >= 1);
  CHECK(c.i_cas <= n);
  CHECK(c.i_and == std::numeric_limits<int>::min());  // every low 31 bit cleared, the sign bit kept
  CHECK(c.i_or == 0x7fffffff);
  CHECK(c.i_xor == 0);
  CHECK(c.u_add == 3u * n);
  CHECK(c.u_inc == n % 100);
  CHECK(c.u_dec == 9u - ((n - 1) % 10));
  CHECK(c.ull_add == (1ull << 33) * n);
  CHECK(c.ull_cas == 7ull);
  CHECK(c.f_add == 0.5f * n);
  CHECK(c.d_add == 0.25 * n);
}

TEST_CASE("a spin lock built on atomicCAS protects a plain counter without hanging the block",
          "[cudacpu][atomics][lock]") {
  zoo_buffer<int> lock(std::vector<int>(1, 0)), counter(std::vector<int>(1, 0));
  locked_increment<<<4, 64>>>(lock.get(), counter.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  REQUIRE(counter.download()[0] == 256);
  REQUIRE(lock.download()[0] == 0);
}

TEST_CASE("scoped atomics (_block, _system) are the same operations", "[cudacpu][atomics][lock]") {
  zoo_buffer<int> lock(std::vector<int>(1, 0)), counter(std::vector<int>(1, 0));
  zoo_buffer<unsigned> bits(std::vector<unsigned>{0u, ~0u, 0u, 0u, 1000u});
  zoo_buffer<float> sum(std::vector<float>(1, 0.0f));
  scoped_atomics<<<3, 40>>>(lock.get(), counter.get(), bits.get(), sum.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  REQUIRE(counter.download()[0] == 120);
  REQUIRE(lock.download()[0] == 0);
  REQUIRE(sum.download()[0] == 120.0f);
  const std::vector<unsigned> b = bits.download();
  REQUIRE(b[0] == ~0u);
  REQUIRE(b[1] == 0u);
  REQUIRE(b[2] == 39u);
  REQUIRE(b[3] == 120u);
  REQUIRE(b[4] == 1000u - 240u);
}

TEST_CASE("_rd/_ru/_rz intrinsics round in the direction they name", "[cudacpu][intrinsics]") {
  zoo_buffer<float> in(std::vector<float>{1.0f, 3.0f, 1e-8f});
  zoo_buffer<float> out(std::vector<float>(8, std::nanf("")));
  zoo_buffer<double> dout(std::vector<double>(2, std::nan("")));
  directed_rounding<<<1, 1>>>(in.get(), out.get(), dout.get());
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> o = out.download();
  CHECK(o[0] < o[1]);
  CHECK(std::nextafter(o[0], 1.0f) == o[1]);  // 1/3 lies between two neighbours
  CHECK(o[2] == 1.0f);
  CHECK(o[3] == std::nextafter(1.0f, 2.0f));  // 1 + 1e-8 rounds up to the next float
  CHECK(std::nextafter(o[4], 2.0f) == o[5]);
  CHECK(static_cast<double>(o[4]) * o[4] < 3.0);
  CHECK(static_cast<double>(o[5]) * o[5] > 3.0);
  CHECK(o[6] > o[7]);  // toward zero vs toward -infinity for a negative inexact product
  const std::vector<double> d = dout.download();
  CHECK(std::nextafter(d[0], 1.0) == d[1]);
  CHECK(std::fegetround() == FE_TONEAREST);  // the host's rounding is untouched
}

TEST_CASE("float to half and bfloat16 conversions round to nearest even", "[cudacpu][half]") {
  struct spot {
    float f;
    unsigned short half_bits;
    unsigned short bf16_bits;
  };
  const std::vector<spot> spots = {
      {1.0f, 0x3c00, 0x3f80},
      {-2.0f, 0xc000, 0xc000},
      {0.1f, 0x2e66, 0x3dcd},
      {65504.0f, 0x7bff, 0x4780},
      {65519.0f, 0x7bff, 0x4780},           // just below the halfway point to 65536: stays finite
      {65520.0f, 0x7c00, 0x4780},           // halfway: ties to even = infinity
      {2049.0f, 0x6800, 0x4500},            // halfway between 2048 and 2050: even mantissa (2048)
      {2051.0f, 0x6802, 0x4500},            // halfway between 2050 and 2052: even is 2052
      {1.0f + 1.0f / 2048, 0x3c00, 0x3f80}, // half: halfway between 1 and 1+2^-10, ties to even (1)
      {1.00390625f, 0x3c04, 0x3f80},        // bf16: 1 + 2^-8 is a tie, rounds to even (1.0)
      {1.01171875f, 0x3c0c, 0x3f82},        // bf16: 1 + 3*2^-8 ties to even upward
      {5.9604644775390625e-8f, 0x0001, 0x3380},  // 2^-24: smallest half subnormal
      {2.98023223876953125e-8f, 0x0000, 0x3300}, // 2^-25: tie between 0 and 2^-24, even is 0
      {4.470348358154297e-8f, 0x0001, 0x3340},   // 1.5 * 2^-25: rounds up to 2^-24
      {-0.0f, 0x8000, 0x8000},
      {std::numeric_limits<float>::infinity(), 0x7c00, 0x7f80},
      {std::numeric_limits<float>::quiet_NaN(), 0x7fff, 0x7fff},
  };
  std::vector<float> in;
  for (const spot& s : spots) in.push_back(s.f);
  const int n = static_cast<int>(in.size());
  zoo_buffer<float> din(in);
  zoo_buffer<unsigned short> dh(std::vector<unsigned short>(n, 0)), db(std::vector<unsigned short>(n, 0));
  convert_halves<<<1, 32>>>(din.get(), dh.get(), db.get(), n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const auto h = dh.download(), b = db.download();
  for (int i = 0; i < n; ++i) {
    INFO("input " << spots[i].f);
    CHECK(h[i] == spots[i].half_bits);
    CHECK(b[i] == spots[i].bf16_bits);
  }
}

TEST_CASE("every half and bfloat16 value survives a round trip through float", "[cudacpu][half]") {
  for (unsigned bits = 0; bits < 0x10000; ++bits) {
    const auto u = static_cast<unsigned short>(bits);
    const __half h = __ushort_as_half(u);
    if (!__hisnan(h)) REQUIRE(__half_as_ushort(__float2half(__half2float(h))) == u);
    const __nv_bfloat16 b = __ushort_as_bfloat16(u);
    if (!__hisnan(b)) REQUIRE(__bfloat16_as_ushort(__float2bfloat16(__bfloat162float(b))) == u);
  }
}

TEST_CASE("half arithmetic rounds once, like the GPU", "[cudacpu][half]") {
  const __half one = __float2half(1.0f);
  const __half tiny = __float2half(1.0f / 2048);  // half an ulp of 1
  CHECK(__half2float(__hadd(one, tiny)) == 1.0f);  // tie to even
  CHECK(__half2float(__hadd(__hadd(one, tiny), __float2half(1.0f / 1024))) == 1.0f + 1.0f / 1024);
  CHECK(__half2float(__hmul(__float2half(3.0f), __float2half(0.5f))) == 1.5f);
  CHECK(__half2float(__hfma(__float2half(2.0f), __float2half(3.0f), __float2half(-1.0f))) == 5.0f);
  CHECK(__half2float(one + one * __float2half(2.0f)) == 3.0f);
  CHECK(__half2float(__hmax(one, __float2half(-4.0f))) == 1.0f);
  const __half2 v = __floats2half2_rn(1.5f, -2.0f);
  CHECK(__low2float(__hmul2(v, v)) == 2.25f);
  CHECK(__high2float(__hadd2(v, v)) == -4.0f);
  CHECK(__bfloat162float(__hadd(__float2bfloat16(1.0f), __float2bfloat16(1.0f))) == 2.0f);
}

TEST_CASE("vector types have CUDA's size and alignment and work in kernels", "[cudacpu][vector]") {
  STATIC_REQUIRE(sizeof(float4) == 16);
  STATIC_REQUIRE(alignof(float4) == 16);
  STATIC_REQUIRE(alignof(float2) == 8);
  STATIC_REQUIRE(sizeof(float3) == 12);
  STATIC_REQUIRE(alignof(int4) == 16);
  STATIC_REQUIRE(alignof(double2) == 16);
  STATIC_REQUIRE(alignof(short2) == 4);
  STATIC_REQUIRE(alignof(uchar4) == 4);
  const int n4 = 10;
  std::vector<float4> h;
  for (int i = 0; i < n4; ++i) h.push_back(make_float4(float(i), 1.0f, 2.0f, -0.5f));
  zoo_buffer<float4> d(h);
  zoo_buffer<float> out(std::vector<float>(n4, NAN));
  sum_float4<<<1, 32>>>(d.get(), out.get(), n4);
  ZOO_CHECK(cudaDeviceSynchronize());
  const auto r = out.download();
  for (int i = 0; i < n4; ++i) REQUIRE(r[i] == float(i) + 2.5f);
}

TEST_CASE("math and bit intrinsics follow CUDA's definitions", "[cudacpu][intrinsics]") {
  CHECK(__fmaf_rn(2.0f, 3.0f, 1.0f) == 7.0f);
  CHECK(rsqrtf(4.0f) == 0.5f);
  CHECK(__fdividef(1.0f, 4.0f) == 0.25f);
  CHECK(std::abs(__expf(1.0f) - 2.7182817f) < 1e-6f);
  CHECK(__saturatef(1.5f) == 1.0f);
  CHECK(__saturatef(-0.5f) == 0.0f);
  CHECK(__float2int_rn(2.5f) == 2);
  CHECK(__float2int_rn(3.5f) == 4);
  CHECK(__float2int_rz(-2.7f) == -2);
  CHECK(__popc(0xF0F0u) == 8);
  CHECK(__clz(1) == 31);
  CHECK(__ffs(0) == 0);
  CHECK(__ffs(8) == 4);
  CHECK(__brev(1u) == 0x80000000u);
  CHECK(__byte_perm(0x33221100u, 0x77665544u, 0x7531u) == 0x77553311u);
  CHECK(__umulhi(0xFFFFFFFFu, 2u) == 1u);
  CHECK(min(3, 5) == 3);
  CHECK(max(2.5f, -1.0f) == 2.5f);
  CHECK(__float_as_uint(1.0f) == 0x3f800000u);
  CHECK(__ldg(&spot_value) == 3);
}
