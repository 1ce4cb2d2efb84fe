/// @file
/// @brief cudacpu zoo: the cuRAND stand-in. Philox4x32-10 against Random123's known answers, XORWOW against a
///        direct implementation of Marsaglia's generator and cuRAND's seeding and subsequences, MRG32k3a against
///        cuRAND's numbers, Sobol against Joe and Kuo's direction numbers, uniform and normal draws within
///        statistical bounds, and the host API's statuses, reports and device-pointer checks.
///
/// The known integers for curand_init(seed, subsequence, offset) were printed by NVIDIA's curand_kernel.h
/// compiled for the host (its functions run on a CPU too), so they are the numbers a GPU gives.
#include <curand.h>
#include <curand_kernel.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "zoo_check.h"

namespace {

/// Marsaglia's xorwow ("Xorshift RNGs", J. Stat. Softw. 2003, section 3.1) written out directly: five xorshift
/// words and a Weyl sequence d += 362437, output v + d.
struct reference_xorwow {
  std::uint32_t x, y, z, w, v, d;
  std::uint32_t next() {
    const std::uint32_t t = x ^ (x >> 2);
    x = y;
    y = z;
    z = w;
    w = v;
    v = (v ^ (v << 4)) ^ (t ^ (t << 1));
    d += 362437;
    return v + d;
  }
};

/// Mean and variance of @p xs.
template <class T>
void moments(const std::vector<T>& xs, double* mean, double* var) {
  double s = 0;
  for (T x : xs) s += static_cast<double>(x);
  *mean = s / static_cast<double>(xs.size());
  double q = 0;
  for (T x : xs) q += (static_cast<double>(x) - *mean) * (static_cast<double>(x) - *mean);
  *var = q / static_cast<double>(xs.size() - 1);
}

}  // namespace

// --- kernels ---

/// Each thread starts subsequence `first_sub + i` of `seed` and writes its first `per` integers.
template <class State>
__global__ void curand_streams(unsigned int* out, unsigned long long seed, unsigned long long first_sub,
                               unsigned long long offset, int threads, int per) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= threads) return;
  State s;
  curand_init(seed, first_sub + i, offset, &s);
  for (int k = 0; k < per; ++k) out[i * per + k] = curand(&s);
}

/// Each thread writes `per` uniform floats and `per` uniform doubles, as the MC samples draw them.
template <class State>
__global__ void curand_uniforms(float* f, double* d, unsigned long long seed, int threads, int per) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= threads) return;
  State s;
  curand_init(seed, i, 0, &s);
  for (int k = 0; k < per; ++k) {
    f[i * per + k] = curand_uniform(&s);
    d[i * per + k] = curand_uniform_double(&s);
  }
}

/// Each thread writes `per` normal floats and doubles, keeping its state in device memory between the calls.
template <class State>
__global__ void curand_normals(State* states, float* f, double* d, unsigned long long seed, int threads, int per) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= threads) return;
  curand_init(seed, i, 0, &states[i]);
  State s = states[i];
  for (int k = 0; k < per; ++k) {
    f[i * per + k] = curand_normal(&s);
    d[i * per + k] = curand_normal_double(&s);
  }
  states[i] = s;
}

/// Thread i draws from Sobol dimension i (direction vectors in device memory) `per` uniforms.
__global__ void sobol_uniforms(const curandDirectionVectors32_t* dirs, float* out, int dims, int per) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= dims) return;
  curandStateSobol32_t s;
  curand_init(const_cast<unsigned int*>(dirs[i]), 0, &s);
  for (int k = 0; k < per; ++k) out[i * per + k] = curand_uniform(&s);
}

// --- Philox4x32-10 ---

TEST_CASE("Philox4x32-10 matches Random123's known-answer vectors", "[cudacpu][curand]") {
  struct kat {
    uint4 ctr;
    uint2 key;
    uint4 expect;
  };
  // Salmon et al.'s kat_vectors for philox4x32_10: zero, all ones, and pi's digits.
  const kat kats[] = {
      {make_uint4(0, 0, 0, 0), make_uint2(0, 0), make_uint4(0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)},
      {make_uint4(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff), make_uint2(0xffffffff, 0xffffffff),
       make_uint4(0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd)},
      {make_uint4(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344), make_uint2(0xa4093822, 0x299f31d0),
       make_uint4(0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1)},
  };
  for (const kat& k : kats) {
    const uint4 r = cudacpu::rand::philox4x32_10(k.ctr, k.key);
    CHECK(r.x == k.expect.x);
    CHECK(r.y == k.expect.y);
    CHECK(r.z == k.expect.z);
    CHECK(r.w == k.expect.w);
  }
}

TEST_CASE("Philox states: key = seed, counter = (offset / 4, subsequence), as on a GPU", "[cudacpu][curand]") {
  // curand_init(0, 0, 0) gives the counters 0 and 1 under key 0.
  curandStatePhilox4_32_10_t s;
  curand_init(0, 0, 0, &s);
  const unsigned int first[8] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8,
                                 0xf8e4cca4, 0x5cb200db, 0xb1a574eb, 0x097eff67};
  for (unsigned int e : first) CHECK(curand(&s) == e);

  // A 64-bit seed, subsequence and an offset that is not a multiple of 4, in a kernel.
  zoo_buffer<unsigned int> out(6);
  curand_streams<curandStatePhilox4_32_10_t><<<1, 1>>>(out.get(), 0x123456789abcdefull, 5, 6, 1, 6);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<unsigned int> expect = {0xcd7aeb5c, 0xa1bd1919, 0x644af2c9, 0x0aab6850, 0x81064203, 0x05721106};
  CHECK(out.download() == expect);

  // curand4 from the middle of a counter takes the rest of it and the start of the next.
  curand_init(7, 3, 2, &s);
  const uint4 q = curand4(&s);
  CHECK(q.x == 0x29a796e8u);
  CHECK(q.y == 0x998b4610u);
  CHECK(q.z == 0x965f7eceu);
  CHECK(q.w == 0x75ba33d8u);
  CHECK(curand(&s) == 0x124039f2u);
}

// --- XORWOW ---

TEST_CASE("XORWOW is Marsaglia's xorwow from cuRAND's seeding", "[cudacpu][curand]") {
  const unsigned long long seed = GENERATE(0ull, 1234ull, 0x123456789abcdefull);
  curandState s;
  curand_init(seed, 0, 0, &s);
  if (seed == 0) {
    // cuRAND's scramble of seed 0 (its documented "original published" starting words, salted).
    CHECK(s.d == 716983765u);
    CHECK(s.v[0] == 1478573778u);
    CHECK(s.v[4] == 1360900310u);
  }
  reference_xorwow ref{s.v[0], s.v[1], s.v[2], s.v[3], s.v[4], s.d};
  constexpr int n = 1000;
  zoo_buffer<unsigned int> out(n);
  curand_streams<curandState><<<1, 1>>>(out.get(), seed, 0, 0, 1, n);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<unsigned int> got = out.download();
  int mismatches = 0;
  for (int k = 0; k < n; ++k) mismatches += got[k] != ref.next();
  CHECK(mismatches == 0);
}

TEST_CASE("XORWOW subsequences and offsets give a GPU's numbers", "[cudacpu][curand]") {
  struct known {
    unsigned long long sub;
    unsigned long long offset;
    unsigned int first[3];
  };
  // Seed 1234: cuRAND's first three integers of each subsequence (2^67 numbers apart).
  const known cases[] = {
      {0, 0, {624778773u, 1867875844u, 3739671282u}},
      {1, 0, {3522650202u, 3978931785u, 2198015705u}},
      {2, 0, {2363946744u, 3486847504u, 3361413060u}},
      {3, 0, {1266286439u, 1325236058u, 2665910990u}},
      {5, 0, {3732235839u, 2152834071u, 919474540u}},
      {1000, 0, {2413296003u, 2081105670u, 4185111456u}},
      {65537, 0, {3714550057u, 463360094u, 3796623937u}},
      {123456789ull, 0, {1212088581u, 2953277998u, 1652055244u}},
      {0xffffffffffffffffull, 0, {510532045u, 4013680108u, 1047850492u}},
      {7, 1000003, {3471185442u, 2285108773u, 1755120962u}},
  };
  for (const known& c : cases) {
    INFO("subsequence " << c.sub << ", offset " << c.offset);
    zoo_buffer<unsigned int> out(3);
    curand_streams<curandState><<<1, 1>>>(out.get(), 1234, c.sub, c.offset, 1, 3);
    ZOO_CHECK(cudaDeviceSynchronize());
    const std::vector<unsigned int> got = out.download();
    CHECK(got == std::vector<unsigned int>(c.first, c.first + 3));
  }
}

TEST_CASE("XORWOW skipahead agrees with stepping, and a subsequence is 2^67 numbers", "[cudacpu][curand]") {
  curandState stepped;
  curandState jumped;
  curand_init(99, 0, 0, &stepped);
  curand_init(99, 0, 0, &jumped);
  for (int k = 0; k < 12345; ++k) curand(&stepped);
  skipahead(12345, &jumped);
  CHECK(curand(&jumped) == curand(&stepped));
  CHECK(curand(&jumped) == curand(&stepped));

  // 16 jumps of 2^63 numbers, with the offset table, are one subsequence, with the subsequence table.
  curandState by_offset;
  curandState by_sequence;
  curand_init(99, 0, 0, &by_offset);
  curand_init(99, 1, 0, &by_sequence);
  for (int k = 0; k < 16; ++k) skipahead(1ull << 63, &by_offset);
  CHECK(curand(&by_offset) == curand(&by_sequence));
}

// --- MRG32k3a ---

TEST_CASE("MRG32k3a gives a GPU's numbers for every seed, subsequence and offset", "[cudacpu][curand]") {
  struct known {
    unsigned long long seed;
    unsigned long long sub;
    unsigned long long offset;
    unsigned int first[3];
  };
  // cuRAND's first three integers (subsequences are 2^76 numbers apart; 2^51 - 1 is the largest).
  const known cases[] = {
      {0ull, 0ull, 0ull, {545508615u, 1368065476u, 1327943825u}},
      {1234ull, 0ull, 0ull, {3379073520u, 2521876100u, 213678209u}},
      {1234ull, 1ull, 0ull, {653317650u, 2890950871u, 2749090064u}},
      {1234ull, 1000ull, 0ull, {1594580714u, 3677198527u, 2082457107u}},
      {1234ull, 2251799813685247ull, 0ull, {2292217144u, 1094425398u, 3213655332u}},
      {1234ull, 3ull, 12345ull, {3227570139u, 3615461711u, 373903687u}},
      {1234ull, 0ull, 1099511627776ull, {608845362u, 571348578u, 548974605u}},
      {81985529216486895ull, 2ull, 0ull, {4096992586u, 1301334717u, 1598013315u}},
  };
  for (const known& c : cases) {
    INFO("seed " << c.seed << ", subsequence " << c.sub << ", offset " << c.offset);
    zoo_buffer<unsigned int> out(3);
    curand_streams<curandStateMRG32k3a_t><<<1, 1>>>(out.get(), c.seed, c.sub, c.offset, 1, 3);
    ZOO_CHECK(cudaDeviceSynchronize());
    CHECK(out.download() == std::vector<unsigned int>(c.first, c.first + 3));
  }
  curandStateMRG32k3a_t s;
  curand_init(42, 3, 0, &s);
  skipahead_sequence(5, &s);
  CHECK(curand(&s) == 2850810009u);
  // Its uniforms lie in (0, 1).
  curand_init(42, 3, 0, &s);
  for (int k = 0; k < 1000; ++k) {
    const double u = curand_uniform_double(&s);
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
  }
}

// --- Sobol ---

TEST_CASE("Sobol direction vectors follow Joe and Kuo; points are in Gray-code order", "[cudacpu][curand]") {
  curandDirectionVectors32_t* v32 = nullptr;
  curandDirectionVectors64_t* v64 = nullptr;
  REQUIRE(curandGetDirectionVectors32(&v32, CURAND_DIRECTION_VECTORS_32_JOEKUO6) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandGetDirectionVectors64(&v64, CURAND_DIRECTION_VECTORS_64_JOEKUO6) == CURAND_STATUS_SUCCESS);
  for (int k = 0; k < 32; ++k) CHECK(v32[0][k] == 1u << (31 - k));  // van der Corput
  // Dimensions 2 and 4 (s = 1, m = 1; s = 3, a = 1, m = 1 3 1), as cuRAND has them.
  CHECK(v32[1][5] == 3422552064u);
  CHECK(v32[1][31] == 4294967295u);
  CHECK(v32[3][4] == 4160749568u);
  CHECK(v32[3][31] == 1342505107u);
  CHECK(v32[11][31] == 2267256725u);
  CHECK(v64[2][1] == 13835058055282163712ull);
  CHECK(v64[3][4] == 17870283321406128128ull);

  // Two dimensions on the device: (0.5, 0.5) after the origin, then (0.75, 0.25), (0.25, 0.75), ...
  zoo_buffer<curandDirectionVectors32_t> dirs(2);
  ZOO_CHECK(cudaMemcpy(dirs.get(), v32, 2 * sizeof(curandDirectionVectors32_t), cudaMemcpyHostToDevice));
  zoo_buffer<float> out(2 * 4);
  sobol_uniforms<<<1, 2>>>(dirs.get(), out.get(), 2, 4);
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> u = out.download();
  const float half = 0x1p-33f;
  const std::vector<float> expect = {half, 0.5f + half, 0.75f + half, 0.25f + half,
                                     half, 0.5f + half, 0.25f + half, 0.75f + half};
  CHECK(u == expect);

  // skipahead lands where stepping does.
  curandStateSobol32_t a;
  curandStateSobol32_t b;
  curand_init(v32[5], 0, &a);
  curand_init(v32[5], 1000, &b);
  for (int k = 0; k < 1000; ++k) curand(&a);
  CHECK(curand(&a) == curand(&b));
}

// --- distributions ---

TEST_CASE("uniforms lie in (0, 1] and are uniform", "[cudacpu][curand]") {
  CHECK(cudacpu::rand::uniform_from(0u) == 0x1p-33f);
  CHECK(cudacpu::rand::uniform_from(0xffffffffu) == 1.0f);
  CHECK(cudacpu::rand::uniform_double_from(0xffffffffu, 0xffffffffu) < 1.0);
  constexpr int threads = 256;
  constexpr int per = 64;
  constexpr int n = threads * per;
  const int which = GENERATE(0, 1);
  zoo_buffer<float> f(n);
  zoo_buffer<double> d(n);
  if (which == 0) {
    curand_uniforms<curandState><<<threads / 64, 64>>>(f.get(), d.get(), 7, threads, per);
  } else {
    curand_uniforms<curandStatePhilox4_32_10_t><<<threads / 64, 64>>>(f.get(), d.get(), 7, threads, per);
  }
  ZOO_CHECK(cudaDeviceSynchronize());
  const std::vector<float> fs = f.download();
  const std::vector<double> ds = d.download();
  int outside = 0;
  for (int k = 0; k < n; ++k) outside += !(fs[k] > 0.0f && fs[k] <= 1.0f) + !(ds[k] > 0.0 && ds[k] <= 1.0);
  CHECK(outside == 0);
  // Mean 1/2 and variance 1/12, each within 5 standard errors.
  for (int kind = 0; kind < 2; ++kind) {
    double mean = 0;
    double var = 0;
    if (kind == 0) moments(fs, &mean, &var);
    else moments(ds, &mean, &var);
    INFO((which == 0 ? "XORWOW " : "Philox ") << (kind == 0 ? "float" : "double") << ": mean " << mean << ", var "
                                              << var);
    CHECK(std::fabs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
    CHECK(std::fabs(var - 1.0 / 12) < 5 * std::sqrt(1.0 / 180 / n));
  }
}

TEST_CASE("normals have mean 0 and variance 1", "[cudacpu][curand]") {
  constexpr int threads = 128;
  constexpr int per = 129;  // odd: the last call leaves the pair's second value pending in the state
  constexpr int n = threads * per;
  const int which = GENERATE(0, 1);
  zoo_buffer<float> f(n);
  zoo_buffer<double> d(n);
  if (which == 0) {
    zoo_buffer<curandState> states(threads);
    curand_normals<<<threads / 32, 32>>>(states.get(), f.get(), d.get(), 11, threads, per);
    ZOO_CHECK(cudaDeviceSynchronize());
    CHECK(states.download()[0].boxmuller_flag == EXTRA_FLAG_NORMAL);
  } else {
    zoo_buffer<curandStatePhilox4_32_10_t> states(threads);
    curand_normals<<<threads / 32, 32>>>(states.get(), f.get(), d.get(), 11, threads, per);
    ZOO_CHECK(cudaDeviceSynchronize());
  }
  const std::vector<float> fs = f.download();
  const std::vector<double> ds = d.download();
  for (int kind = 0; kind < 2; ++kind) {
    double mean = 0;
    double var = 0;
    if (kind == 0) moments(fs, &mean, &var);
    else moments(ds, &mean, &var);
    INFO((which == 0 ? "XORWOW " : "Philox ") << (kind == 0 ? "float" : "double") << ": mean " << mean << ", var "
                                              << var);
    CHECK(std::fabs(mean) < 5 * std::sqrt(1.0 / n));
    CHECK(std::fabs(var - 1.0) < 5 * std::sqrt(2.0 / n));
  }
  // About 68.3% within one standard deviation (the shape, not just two moments).
  int inside = 0;
  for (float x : fs) inside += std::fabs(x) < 1.0f;
  CHECK(std::fabs(inside / static_cast<double>(n) - 0.682689) < 5 * std::sqrt(0.683 * 0.317 / n));

  // Sobol's inverse-CDF normals: the quantile function itself, at points whose answer is known.
  CHECK(std::fabs(cudacpu::rand::normal_quantile(0.975) - 1.959963984540054) < 1e-12);
  CHECK(std::fabs(cudacpu::rand::normal_quantile(1e-10) + 6.361340902404056) < 1e-9);
  CHECK(std::fabs(cudacpu::rand::normal_quantile(0.5)) < 1e-15);
}

TEST_CASE("curand_poisson and curand_log_normal have the right means", "[cudacpu][curand]") {
  curandStatePhilox4_32_10_t s;
  curand_init(5, 0, 0, &s);
  for (double lambda : {3.0, 40.0}) {
    constexpr int n = 20000;
    double sum = 0;
    for (int k = 0; k < n; ++k) sum += curand_poisson(&s, lambda);
    INFO("lambda " << lambda << ": mean " << sum / n);
    CHECK(std::fabs(sum / n - lambda) < 5 * std::sqrt(lambda / n));
  }
  constexpr int n = 20000;
  double sum = 0;
  for (int k = 0; k < n; ++k) sum += curand_log_normal(&s, 0.0f, 0.5f);
  CHECK(std::fabs(sum / n - std::exp(0.125)) < 5 * std::sqrt((std::exp(0.25) - 1) * std::exp(0.25) / n));
}

// --- host API ---

TEST_CASE("host API: generators continue the device API's sequences", "[cudacpu][curand]") {
  int version = 0;
  CHECK(curandGetVersion(&version) == CURAND_STATUS_SUCCESS);
  CHECK(version == CURAND_VERSION);

  curandGenerator_t gen = nullptr;
  REQUIRE(curandCreateGenerator(&gen, CURAND_RNG_PSEUDO_DEFAULT) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandSetPseudoRandomGeneratorSeed(gen, 1234) == CURAND_STATUS_SUCCESS);
  zoo_buffer<unsigned int> out(8);
  REQUIRE(curandGenerate(gen, out.get(), 4) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandGenerate(gen, out.get() + 4, 4) == CURAND_STATUS_SUCCESS);
  curandState s;
  curand_init(1234, 0, 0, &s);
  std::vector<unsigned int> expect(8);
  for (unsigned int& e : expect) e = curand(&s);
  CHECK(out.download() == expect);
  // A new seed (and an offset) starts over.
  REQUIRE(curandSetPseudoRandomGeneratorSeed(gen, 1234) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandSetGeneratorOffset(gen, 3) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandGenerate(gen, out.get(), 5) == CURAND_STATUS_SUCCESS);
  CHECK(out.download()[0] == expect[3]);
  CHECK(curandSetStream(gen, nullptr) == CURAND_STATUS_SUCCESS);
  CHECK(curandSetGeneratorOrdering(gen, CURAND_ORDERING_PSEUDO_SEEDED) == CURAND_STATUS_SUCCESS);
  zoo_buffer<double> normals(1000);
  REQUIRE(curandGenerateNormalDouble(gen, normals.get(), 1000, 10.0, 2.0) == CURAND_STATUS_SUCCESS);
  double mean = 0;
  double var = 0;
  moments(normals.download(), &mean, &var);
  CHECK(std::fabs(mean - 10.0) < 5 * 2.0 / std::sqrt(1000.0));
  CHECK(curandDestroyGenerator(gen) == CURAND_STATUS_SUCCESS);

  // MRG32k3a: the device API's stream too.
  REQUIRE(curandCreateGenerator(&gen, CURAND_RNG_PSEUDO_MRG32K3A) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandSetPseudoRandomGeneratorSeed(gen, 1234) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandGenerate(gen, out.get(), 3) == CURAND_STATUS_SUCCESS);
  const std::vector<unsigned int> mrg = out.download();
  CHECK(std::vector<unsigned int>(mrg.begin(), mrg.begin() + 3) ==
        std::vector<unsigned int>{3379073520u, 2521876100u, 213678209u});
  CHECK(curandDestroyGenerator(gen) == CURAND_STATUS_SUCCESS);

  // Sobol with two dimensions: dimension-major blocks; a host generator writes host memory.
  REQUIRE(curandCreateGeneratorHost(&gen, CURAND_RNG_QUASI_DEFAULT) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandSetQuasiRandomGeneratorDimensions(gen, 2) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandSetGeneratorOrdering(gen, CURAND_ORDERING_QUASI_DEFAULT) == CURAND_STATUS_SUCCESS);
  std::vector<unsigned int> points(8);
  REQUIRE(curandGenerate(gen, points.data(), 8) == CURAND_STATUS_SUCCESS);
  CHECK(points == std::vector<unsigned int>{0u, 0x80000000u, 0xc0000000u, 0x40000000u,  //
                                            0u, 0x80000000u, 0x40000000u, 0xc0000000u});
  CHECK(curandDestroyGenerator(gen) == CURAND_STATUS_SUCCESS);
}

TEST_CASE("host API: misuse gives cuRAND's statuses and a report at the caller's line", "[cudacpu][curand]") {
  curandGenerator_t gen = nullptr;
  curandGenerator_t quasi = nullptr;
  REQUIRE(curandCreateGenerator(&gen, CURAND_RNG_PSEUDO_PHILOX4_32_10) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandCreateGenerator(&quasi, CURAND_RNG_QUASI_SOBOL64) == CURAND_STATUS_SUCCESS);
  REQUIRE(curandSetQuasiRandomGeneratorDimensions(quasi, 3) == CURAND_STATUS_SUCCESS);
  zoo_buffer<float> small(4);
  std::vector<float> host(4);
  curandGenerator_t none = nullptr;
  unsigned long long wide[3];

  stderr_capture capture;
  const int line = __LINE__ + 1;
  const curandStatus_t host_pointer = curandGenerateUniform(gen, host.data(), 4);
  const curandStatus_t too_small = curandGenerateUniform(gen, small.get(), 5);
  const curandStatus_t odd = curandGenerateNormal(gen, small.get(), 3, 0.0f, 1.0f);
  const curandStatus_t null_gen = curandGenerateUniform(none, small.get(), 4);
  const curandStatus_t not_provided = curandCreateGenerator(&none, CURAND_RNG_PSEUDO_MTGP32);
  const curandStatus_t seed_quasi = curandSetPseudoRandomGeneratorSeed(quasi, 1);
  const curandStatus_t dims_pseudo = curandSetQuasiRandomGeneratorDimensions(gen, 2);
  const curandStatus_t too_many_dims = curandSetQuasiRandomGeneratorDimensions(quasi, 21);
  const curandStatus_t not_multiple = curandGenerateLongLong(quasi, wide, 2);
  const curandStatus_t bits32_of_64 = curandGenerate(quasi, reinterpret_cast<unsigned int*>(small.get()), 3);
  const curandStatus_t bits64_of_32 = curandGenerateLongLong(gen, wide, 2);
  const curandStatus_t bad_order = curandSetGeneratorOrdering(gen, CURAND_ORDERING_QUASI_DEFAULT);
  const std::string report = capture.text();

  CHECK(host_pointer == CURAND_STATUS_LAUNCH_FAILURE);
  CHECK(too_small == CURAND_STATUS_LAUNCH_FAILURE);
  CHECK(odd == CURAND_STATUS_LENGTH_NOT_MULTIPLE);
  CHECK(null_gen == CURAND_STATUS_NOT_INITIALIZED);
  CHECK(not_provided == CURAND_STATUS_TYPE_ERROR);
  CHECK(none == nullptr);
  CHECK(seed_quasi == CURAND_STATUS_TYPE_ERROR);
  CHECK(dims_pseudo == CURAND_STATUS_TYPE_ERROR);
  CHECK(too_many_dims == CURAND_STATUS_OUT_OF_RANGE);
  CHECK(not_multiple == CURAND_STATUS_LENGTH_NOT_MULTIPLE);
  CHECK(bits32_of_64 == CURAND_STATUS_TYPE_ERROR);
  CHECK(bits64_of_32 == CURAND_STATUS_TYPE_ERROR);
  CHECK(bad_order == CURAND_STATUS_OUT_OF_RANGE);
  INFO(report);
  CHECK(report.find("cudacpu: error: ") != std::string::npos);
  CHECK(report.find("zoo_curand.cu:" + std::to_string(line) + ":") != std::string::npos);
  CHECK(report.find("zoo_curand.cu:" + std::to_string(line + 1) + ":") != std::string::npos);
  CHECK(report.find("CURAND_STATUS_LAUNCH_FAILURE") != std::string::npos);
  CHECK(report.find("CURAND_STATUS_LENGTH_NOT_MULTIPLE") != std::string::npos);
  // The output was left alone.
  CHECK(host == std::vector<float>(4, 0.0f));

  // The right call still works afterwards.
  CHECK(curandGenerateUniform(gen, small.get(), 4) == CURAND_STATUS_SUCCESS);
  CHECK(curandDestroyGenerator(gen) == CURAND_STATUS_SUCCESS);
  CHECK(curandDestroyGenerator(quasi) == CURAND_STATUS_SUCCESS);
}
