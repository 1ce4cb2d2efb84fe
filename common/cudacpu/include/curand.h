/// @file
/// @brief Stand-in for cuRAND's host API (`curand.h`) on the cudacpu backend: generators that fill device (or, from
///        curandCreateGeneratorHost, host) memory with XORWOW, Philox4x32-10, MRG32k3a, Sobol32 or Sobol64 numbers,
///        and Sobol direction vectors for the device API (`curand_kernel.h`, which this header includes).
///
/// cuRAND's names, enum values and status codes, so the same program builds against the real library on a GPU.
///
/// - **Header-only.** Generators are filled on the calling host thread when the call is made (the runtime runs all
///   work synchronously in issue order, so this is the order the generator's stream gives on a GPU). It works with
///   whichever runtime a target links (`ws_cudacpu`, `ws_cudacpu_memory`, `ws_cudacpu_races`).
/// - **Memory is checked** like a kernel's pointer arguments: a device generator's output must lie, whole, inside
///   memory from cudaMalloc, cudaMallocManaged or cudaMallocHost. A host pointer, freed memory or a too small
///   allocation is reported as `cudacpu: error: FILE:LINE: ...` (the caller's line; silenced by `WS_CPU_QUIET=1`)
///   and gives `CURAND_STATUS_LAUNCH_FAILURE`, where a GPU's generating kernel would fault. Every other misuse
///   (null generator, wrong generator type, a length that is not a multiple of 2 or of the dimensions, a dimension
///   out of range) is reported the same way with the status cuRAND returns; real cuRAND only returns it.
/// - **Which numbers.** The integers a pseudo-random generator produces are its device-API sequence
///   (`curand_init(seed, 0, offset)`, see `curand_kernel.h`) in order; a GPU interleaves many subsequences
///   instead, so the values differ from a GPU's while the distribution is the same. Sobol generators are exact:
///   dimension d's points (Gray-code order, from the first point, 0) fill the output's d-th block of n / dims.
///   Normals come from the Box-Muller transform of consecutive pairs, as in the device API.
/// - **Not provided**: MTGP32, MT19937 and the scrambled Sobol generators (curandCreateGenerator gives
///   `CURAND_STATUS_TYPE_ERROR`), Poisson and discrete distributions, more than 20 Sobol dimensions.
#pragma once

// The real header's include guard: code tests it to learn that cuRAND is declared (cuda-samples' helper_cuda.h
// defines its curandStatus_t overloads only `#ifdef CURAND_H_`).
#define CURAND_H_

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "cuda_runtime.h"
#include "cudacpu/source_location.h"
#include "library_types.h"

/// cuRAND major version this stand-in mimics (the one in CUDA 13.0).
#define CURAND_VER_MAJOR 10
/// cuRAND minor version.
#define CURAND_VER_MINOR 4
/// cuRAND patch level.
#define CURAND_VER_PATCH 0
/// cuRAND build number.
#define CURAND_VER_BUILD 0
/// What curandGetVersion returns: major * 1000 + minor * 100 + patch.
#define CURAND_VERSION (CURAND_VER_MAJOR * 1000 + CURAND_VER_MINOR * 100 + CURAND_VER_PATCH)

/// Result of every cuRAND host call (cuRAND's values).
enum curandStatus {
  CURAND_STATUS_SUCCESS = 0,                    ///< the call completed
  CURAND_STATUS_VERSION_MISMATCH = 100,         ///< header and library differ (never here)
  CURAND_STATUS_NOT_INITIALIZED = 101,          ///< null generator (create one first)
  CURAND_STATUS_ALLOCATION_FAILED = 102,        ///< out of memory
  CURAND_STATUS_TYPE_ERROR = 103,               ///< the call does not fit the generator's type
  CURAND_STATUS_OUT_OF_RANGE = 104,             ///< an argument out of range
  CURAND_STATUS_LENGTH_NOT_MULTIPLE = 105,      ///< length not a multiple of 2 (normals) or of the dimensions
  CURAND_STATUS_DOUBLE_PRECISION_REQUIRED = 106,  ///< the GPU lacks doubles (never here)
  CURAND_STATUS_LAUNCH_FAILURE = 201,           ///< the generating kernel failed (here: output not device memory)
  CURAND_STATUS_PREEXISTING_FAILURE = 202,      ///< an earlier kernel failed (a sticky error)
  CURAND_STATUS_INITIALIZATION_FAILED = 203,    ///< CUDA could not start (never here)
  CURAND_STATUS_ARCH_MISMATCH = 204,            ///< the GPU lacks a feature (never here)
  CURAND_STATUS_INTERNAL_ERROR = 999            ///< internal error (never here)
};
/// cuRAND's name of curandStatus.
typedef enum curandStatus curandStatus_t;

/// Generator kinds (cuRAND's values).
enum curandRngType {
  CURAND_RNG_TEST = 0,                      ///< not a generator
  CURAND_RNG_PSEUDO_DEFAULT = 100,          ///< XORWOW
  CURAND_RNG_PSEUDO_XORWOW = 101,           ///< Marsaglia's xorwow
  CURAND_RNG_PSEUDO_MRG32K3A = 121,         ///< L'Ecuyer's MRG32k3a
  CURAND_RNG_PSEUDO_MTGP32 = 141,           ///< Mersenne Twister for GPUs (not provided)
  CURAND_RNG_PSEUDO_MT19937 = 142,          ///< Mersenne Twister (not provided)
  CURAND_RNG_PSEUDO_PHILOX4_32_10 = 161,    ///< Philox4x32-10, counter-based
  CURAND_RNG_QUASI_DEFAULT = 200,           ///< Sobol32
  CURAND_RNG_QUASI_SOBOL32 = 201,           ///< Sobol, 32-bit points
  CURAND_RNG_QUASI_SCRAMBLED_SOBOL32 = 202, ///< scrambled Sobol32 (not provided)
  CURAND_RNG_QUASI_SOBOL64 = 203,           ///< Sobol, 64-bit points
  CURAND_RNG_QUASI_SCRAMBLED_SOBOL64 = 204  ///< scrambled Sobol64 (not provided)
};
/// cuRAND's name of curandRngType.
typedef enum curandRngType curandRngType_t;

/// How results are laid out in memory (cuRAND's values). All pseudo orderings give the same numbers here.
enum curandOrdering {
  CURAND_ORDERING_PSEUDO_BEST = 100,     ///< fastest layout
  CURAND_ORDERING_PSEUDO_DEFAULT = 101,  ///< the default layout
  CURAND_ORDERING_PSEUDO_SEEDED = 102,   ///< faster seeding
  CURAND_ORDERING_PSEUDO_LEGACY = 103,   ///< layout kept across releases
  CURAND_ORDERING_PSEUDO_DYNAMIC = 104,  ///< layout depends on the device
  CURAND_ORDERING_QUASI_DEFAULT = 201    ///< dimension-major quasi-random points
};
/// cuRAND's name of curandOrdering.
typedef enum curandOrdering curandOrdering_t;

/// Sets of Sobol direction vectors (cuRAND's values); only the unscrambled Joe-Kuo sets are provided.
enum curandDirectionVectorSet {
  CURAND_DIRECTION_VECTORS_32_JOEKUO6 = 101,            ///< 32-bit, Joe and Kuo's new-joe-kuo-6 parameters
  CURAND_SCRAMBLED_DIRECTION_VECTORS_32_JOEKUO6 = 102,  ///< scrambled (not provided)
  CURAND_DIRECTION_VECTORS_64_JOEKUO6 = 103,            ///< 64-bit, Joe and Kuo's new-joe-kuo-6 parameters
  CURAND_SCRAMBLED_DIRECTION_VECTORS_64_JOEKUO6 = 104   ///< scrambled (not provided)
};
/// cuRAND's name of curandDirectionVectorSet.
typedef enum curandDirectionVectorSet curandDirectionVectorSet_t;

/// The 32 direction vectors of one Sobol32 dimension.
typedef unsigned int curandDirectionVectors32_t[32];
/// The 64 direction vectors of one Sobol64 dimension.
typedef unsigned long long curandDirectionVectors64_t[64];

struct curandGenerator_st;
/// Handle to a generator (curandCreateGenerator / curandDestroyGenerator).
typedef struct curandGenerator_st* curandGenerator_t;

namespace cudacpu::rand {

/// Sobol dimensions provided: the first is the van der Corput sequence, the others use Joe and Kuo's
/// new-joe-kuo-6 primitive polynomials and initial direction numbers (their dimensions 2 to 20).
inline constexpr unsigned max_sobol_dimensions = 20;

/// One row of Joe and Kuo's table: degree s of the primitive polynomial, its coefficients a, the initial m_i.
struct joe_kuo_row {
  unsigned s;         ///< degree
  unsigned a;         ///< the inner coefficients as bits
  unsigned m[7];      ///< initial direction numbers m_1..m_s (odd, m_i < 2^i)
};

/// Joe and Kuo's parameters for dimensions 2..20 (https://web.maths.unsw.edu.au/~fkuo/sobol/, new-joe-kuo-6.21201).
inline constexpr joe_kuo_row joe_kuo[max_sobol_dimensions - 1] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
};

/// Direction vectors of Sobol dimension @p dim (0-based) with @p Bits-bit points: v_k = m_k 2^(Bits-k) for the
/// first s, then Bratley and Fox's recurrence v_k = v_{k-s} ^ (v_{k-s} >> s) ^ XOR_j a_j v_{k-j}.
template <class U, unsigned Bits>
inline void sobol_direction_vectors(unsigned dim, U* v) {
  if (dim == 0) {
    for (unsigned k = 0; k < Bits; ++k) v[k] = U{1} << (Bits - 1 - k);
    return;
  }
  const joe_kuo_row& row = joe_kuo[dim - 1];
  for (unsigned k = 0; k < Bits; ++k) {
    if (k < row.s) {
      v[k] = static_cast<U>(row.m[k]) << (Bits - 1 - k);
      continue;
    }
    U x = v[k - row.s] ^ (v[k - row.s] >> row.s);
    for (unsigned j = 1; j < row.s; ++j)
      if ((row.a >> (row.s - 1 - j)) & 1u) x ^= v[k - j];
    v[k] = x;
  }
}

/// The tables curandGetDirectionVectors32/64 hand out (built once, never freed, as cuRAND's are static).
template <class Table, class U, unsigned Bits>
inline Table* direction_table() {
  static Table* const table = [] {
    static Table t[max_sobol_dimensions];
    for (unsigned d = 0; d < max_sobol_dimensions; ++d) sobol_direction_vectors<U, Bits>(d, t[d]);
    return t;
  }();
  return table;
}

/// The enumerator's name, e.g. "CURAND_STATUS_TYPE_ERROR".
inline const char* status_name(curandStatus_t s) {
  switch (s) {
    case CURAND_STATUS_SUCCESS: return "CURAND_STATUS_SUCCESS";
    case CURAND_STATUS_VERSION_MISMATCH: return "CURAND_STATUS_VERSION_MISMATCH";
    case CURAND_STATUS_NOT_INITIALIZED: return "CURAND_STATUS_NOT_INITIALIZED";
    case CURAND_STATUS_ALLOCATION_FAILED: return "CURAND_STATUS_ALLOCATION_FAILED";
    case CURAND_STATUS_TYPE_ERROR: return "CURAND_STATUS_TYPE_ERROR";
    case CURAND_STATUS_OUT_OF_RANGE: return "CURAND_STATUS_OUT_OF_RANGE";
    case CURAND_STATUS_LENGTH_NOT_MULTIPLE: return "CURAND_STATUS_LENGTH_NOT_MULTIPLE";
    case CURAND_STATUS_DOUBLE_PRECISION_REQUIRED: return "CURAND_STATUS_DOUBLE_PRECISION_REQUIRED";
    case CURAND_STATUS_LAUNCH_FAILURE: return "CURAND_STATUS_LAUNCH_FAILURE";
    case CURAND_STATUS_PREEXISTING_FAILURE: return "CURAND_STATUS_PREEXISTING_FAILURE";
    case CURAND_STATUS_INITIALIZATION_FAILED: return "CURAND_STATUS_INITIALIZATION_FAILED";
    case CURAND_STATUS_ARCH_MISMATCH: return "CURAND_STATUS_ARCH_MISMATCH";
    case CURAND_STATUS_INTERNAL_ERROR: return "CURAND_STATUS_INTERNAL_ERROR";
  }
  return "an unknown curandStatus_t";
}

/// Reports a misuse at the caller's line (unless WS_CPU_QUIET=1) and returns @p status.
inline curandStatus_t fail(curandStatus_t status, const ::cudacpu::source_location& where, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
inline curandStatus_t fail(curandStatus_t status, const ::cudacpu::source_location& where, const char* fmt, ...) {
  if (!cudacpu::detail::quiet()) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cudacpu::detail::report_error(where, "%s (returns %s)", msg, status_name(status));
  }
  return status;
}

/// What a generate call produces.
enum class output : std::uint8_t { bits32, bits64, uniform, uniform_double, normal, normal_double, log_normal,
                                   log_normal_double };

/// Fills @p out with @p n results of kind @p what from @p g, continuing its sequence (curand_kernel.h defines it:
/// it runs the device API's generators).
inline void produce(curandGenerator_st& g, output what, void* out, std::size_t n, double mean, double stddev);

}  // namespace cudacpu::rand

/// A generator: its kind, settings and the states its sequence continues from. Opaque in cuRAND.
struct curandGenerator_st {
  curandRngType_t type = CURAND_RNG_PSEUDO_XORWOW;          ///< XORWOW, PHILOX4_32_10, MRG32K3A, SOBOL32 or SOBOL64
  bool host = false;                                        ///< from curandCreateGeneratorHost: fills host memory
  unsigned long long seed = 0;                              ///< curandSetPseudoRandomGeneratorSeed (cuRAND's default)
  unsigned long long offset = 0;                            ///< curandSetGeneratorOffset
  curandOrdering_t ordering = CURAND_ORDERING_PSEUDO_DEFAULT; ///< curandSetGeneratorOrdering
  unsigned dimensions = 1;                                  ///< curandSetQuasiRandomGeneratorDimensions
  cudaStream_t stream = nullptr;                            ///< curandSetStream (work runs in issue order anyway)
  bool restart = true;                                      ///< settings changed: the next call starts over
  std::vector<unsigned char> states;                        ///< the device-API states (curand_kernel.h's types)
};

namespace cudacpu::rand {

/// NOT_INITIALIZED for a null generator (reported), else SUCCESS.
inline curandStatus_t check_generator(const char* api, curandGenerator_t g, const ::cudacpu::source_location& where) {
  if (g != nullptr) return CURAND_STATUS_SUCCESS;
  return fail(CURAND_STATUS_NOT_INITIALIZED, where, "%s: the generator is null; create one with curandCreateGenerator",
              api);
}

/// Whether @p t is a quasi-random kind.
constexpr bool is_quasi(curandRngType_t t) { return t >= CURAND_RNG_QUASI_DEFAULT; }

/// The common part of every generate call: argument checks, memory checks, then produce().
inline curandStatus_t generate(const char* api, curandGenerator_t g, output what, void* out, std::size_t n,
                               std::size_t elem_bytes, double mean, double stddev,
                               const ::cudacpu::source_location& where) {
  // Counted by the runtime's work watch as library work, which may write device memory from the host.
  const cudacpu::detail::device_work work(cudacpu::detail::work_kind::library);
  if (const curandStatus_t s = check_generator(api, g, where); s != CURAND_STATUS_SUCCESS) return s;
  const bool wide = what == output::bits64;
  if (wide != (g->type == CURAND_RNG_QUASI_SOBOL64) && (what == output::bits32 || what == output::bits64))
    return fail(CURAND_STATUS_TYPE_ERROR, where, "%s: %s", api,
                wide ? "only a CURAND_RNG_QUASI_SOBOL64 generator makes 64-bit integers"
                     : "a CURAND_RNG_QUASI_SOBOL64 generator makes 64-bit integers: call curandGenerateLongLong");
  const bool normal = what == output::normal || what == output::normal_double || what == output::log_normal ||
                      what == output::log_normal_double;
  if (is_quasi(g->type)) {
    if (n % g->dimensions != 0)
      return fail(CURAND_STATUS_LENGTH_NOT_MULTIPLE, where,
                  "%s: n = %zu is not a multiple of the generator's %u dimensions", api, n, g->dimensions);
  } else if (normal && n % 2 != 0) {
    return fail(CURAND_STATUS_LENGTH_NOT_MULTIPLE, where,
                "%s: n = %zu is odd: a pseudo-random generator makes normals in pairs (Box-Muller)", api, n);
  }
  if (normal && !(stddev > 0.0))
    return fail(CURAND_STATUS_OUT_OF_RANGE, where, "%s: stddev = %g must be positive", api, stddev);
  if (n == 0) return CURAND_STATUS_SUCCESS;
  if (cudacpu::detail::sticky_error() != cudaSuccess) return CURAND_STATUS_PREEXISTING_FAILURE;
  if (!g->host && !cudacpu::detail::check_device_range(api, "output", out, n * elem_bytes,
                                                       "a device generator writes device memory; returns "
                                                       "CURAND_STATUS_LAUNCH_FAILURE",
                                                       where))
    return CURAND_STATUS_LAUNCH_FAILURE;
  if (out == nullptr)
    return fail(CURAND_STATUS_LAUNCH_FAILURE, where, "%s: the output pointer is null", api);
  produce(*g, what, out, n, mean, stddev);
  return CURAND_STATUS_SUCCESS;
}

/// Creates a generator for device (or host) memory.
inline curandStatus_t create(const char* api, curandGenerator_t* generator, curandRngType_t type, bool host,
                             const ::cudacpu::source_location& where) {
  if (generator == nullptr)
    return fail(CURAND_STATUS_NOT_INITIALIZED, where, "%s: the generator pointer is null", api);
  if (type == CURAND_RNG_PSEUDO_DEFAULT) type = CURAND_RNG_PSEUDO_XORWOW;
  if (type == CURAND_RNG_QUASI_DEFAULT) type = CURAND_RNG_QUASI_SOBOL32;
  if (type != CURAND_RNG_PSEUDO_XORWOW && type != CURAND_RNG_PSEUDO_PHILOX4_32_10 &&
      type != CURAND_RNG_PSEUDO_MRG32K3A && type != CURAND_RNG_QUASI_SOBOL32 && type != CURAND_RNG_QUASI_SOBOL64)
    return fail(CURAND_STATUS_TYPE_ERROR, where,
                "%s: generator type %d is not provided by the CPU backend (XORWOW, PHILOX4_32_10, MRG32K3A, "
                "SOBOL32 and SOBOL64 are; see docs/cudacpu.md, cuRAND)",
                api, static_cast<int>(type));
  auto* g = new curandGenerator_st;
  g->type = type;
  g->host = host;
  g->ordering = is_quasi(type) ? CURAND_ORDERING_QUASI_DEFAULT : CURAND_ORDERING_PSEUDO_DEFAULT;
  *generator = g;
  return CURAND_STATUS_SUCCESS;
}

}  // namespace cudacpu::rand

/// Creates a generator whose results go to device memory.
/// @param generator receives the handle
/// @param rng_type  CURAND_RNG_PSEUDO_DEFAULT/XORWOW/PHILOX4_32_10/MRG32K3A or CURAND_RNG_QUASI_DEFAULT/SOBOL32/SOBOL64
inline curandStatus_t curandCreateGenerator(curandGenerator_t* generator, curandRngType_t rng_type, WS_CUDACPU_WHERE) {
  return cudacpu::rand::create("curandCreateGenerator", generator, rng_type, false, where);
}

/// Creates a generator whose results go to host memory.
inline curandStatus_t curandCreateGeneratorHost(curandGenerator_t* generator, curandRngType_t rng_type,
                                                WS_CUDACPU_WHERE) {
  return cudacpu::rand::create("curandCreateGeneratorHost", generator, rng_type, true, where);
}

/// Destroys a generator.
inline curandStatus_t curandDestroyGenerator(curandGenerator_t generator, WS_CUDACPU_WHERE) {
  if (const curandStatus_t s = cudacpu::rand::check_generator("curandDestroyGenerator", generator, where);
      s != CURAND_STATUS_SUCCESS)
    return s;
  delete generator;
  return CURAND_STATUS_SUCCESS;
}

/// The library's version, CURAND_VERSION.
inline curandStatus_t curandGetVersion(int* version) {
  if (version == nullptr) return CURAND_STATUS_OUT_OF_RANGE;
  *version = CURAND_VERSION;
  return CURAND_STATUS_SUCCESS;
}

/// One part of the version (MAJOR_VERSION, MINOR_VERSION or PATCH_LEVEL).
inline curandStatus_t curandGetProperty(libraryPropertyType type, int* value) {
  if (value == nullptr) return CURAND_STATUS_OUT_OF_RANGE;
  switch (type) {
    case MAJOR_VERSION: *value = CURAND_VER_MAJOR; return CURAND_STATUS_SUCCESS;
    case MINOR_VERSION: *value = CURAND_VER_MINOR; return CURAND_STATUS_SUCCESS;
    case PATCH_LEVEL: *value = CURAND_VER_PATCH; return CURAND_STATUS_SUCCESS;
  }
  return CURAND_STATUS_OUT_OF_RANGE;
}

/// Sets the stream the generator's work goes to (kept; work runs in issue order anyway).
inline curandStatus_t curandSetStream(curandGenerator_t generator, cudaStream_t stream, WS_CUDACPU_WHERE) {
  if (const curandStatus_t s = cudacpu::rand::check_generator("curandSetStream", generator, where);
      s != CURAND_STATUS_SUCCESS)
    return s;
  generator->stream = stream;
  return CURAND_STATUS_SUCCESS;
}

/// Sets a pseudo-random generator's seed; the next call starts its sequence over.
inline curandStatus_t curandSetPseudoRandomGeneratorSeed(curandGenerator_t generator, unsigned long long seed,
                                                         WS_CUDACPU_WHERE) {
  const char* api = "curandSetPseudoRandomGeneratorSeed";
  if (const curandStatus_t s = cudacpu::rand::check_generator(api, generator, where); s != CURAND_STATUS_SUCCESS)
    return s;
  if (cudacpu::rand::is_quasi(generator->type))
    return cudacpu::rand::fail(CURAND_STATUS_TYPE_ERROR, where, "%s: a quasi-random generator has no seed", api);
  generator->seed = seed;
  generator->restart = true;
  return CURAND_STATUS_SUCCESS;
}

/// Sets how many results the sequence skips; the next call starts over there.
inline curandStatus_t curandSetGeneratorOffset(curandGenerator_t generator, unsigned long long offset,
                                               WS_CUDACPU_WHERE) {
  if (const curandStatus_t s = cudacpu::rand::check_generator("curandSetGeneratorOffset", generator, where);
      s != CURAND_STATUS_SUCCESS)
    return s;
  generator->offset = offset;
  generator->restart = true;
  return CURAND_STATUS_SUCCESS;
}

/// Sets the results' layout: a pseudo ordering for pseudo-random generators, CURAND_ORDERING_QUASI_DEFAULT for
/// quasi-random ones (else CURAND_STATUS_OUT_OF_RANGE).
inline curandStatus_t curandSetGeneratorOrdering(curandGenerator_t generator, curandOrdering_t order,
                                                 WS_CUDACPU_WHERE) {
  const char* api = "curandSetGeneratorOrdering";
  if (const curandStatus_t s = cudacpu::rand::check_generator(api, generator, where); s != CURAND_STATUS_SUCCESS)
    return s;
  const bool quasi_order = order == CURAND_ORDERING_QUASI_DEFAULT;
  const bool pseudo_order = order >= CURAND_ORDERING_PSEUDO_BEST && order <= CURAND_ORDERING_PSEUDO_DYNAMIC;
  if (cudacpu::rand::is_quasi(generator->type) ? !quasi_order : !pseudo_order)
    return cudacpu::rand::fail(CURAND_STATUS_OUT_OF_RANGE, where, "%s: ordering %d does not fit a %s generator", api,
                               static_cast<int>(order),
                               cudacpu::rand::is_quasi(generator->type) ? "quasi-random" : "pseudo-random");
  generator->ordering = order;
  generator->restart = true;
  return CURAND_STATUS_SUCCESS;
}

/// Sets a quasi-random generator's dimensions (1 to 20 here; cuRAND has 20000).
inline curandStatus_t curandSetQuasiRandomGeneratorDimensions(curandGenerator_t generator,
                                                              unsigned int num_dimensions, WS_CUDACPU_WHERE) {
  const char* api = "curandSetQuasiRandomGeneratorDimensions";
  if (const curandStatus_t s = cudacpu::rand::check_generator(api, generator, where); s != CURAND_STATUS_SUCCESS)
    return s;
  if (!cudacpu::rand::is_quasi(generator->type))
    return cudacpu::rand::fail(CURAND_STATUS_TYPE_ERROR, where, "%s: a pseudo-random generator has no dimensions",
                               api);
  if (num_dimensions < 1 || num_dimensions > cudacpu::rand::max_sobol_dimensions)
    return cudacpu::rand::fail(CURAND_STATUS_OUT_OF_RANGE, where,
                               "%s: %u dimensions; the CPU backend provides 1 to %u (cuRAND 1 to 20000)", api,
                               num_dimensions, cudacpu::rand::max_sobol_dimensions);
  generator->dimensions = num_dimensions;
  generator->restart = true;
  return CURAND_STATUS_SUCCESS;
}

/// Fills @p outputPtr with @p num 32-bit integers (not for SOBOL64: CURAND_STATUS_TYPE_ERROR).
inline curandStatus_t curandGenerate(curandGenerator_t generator, unsigned int* outputPtr, std::size_t num,
                                     WS_CUDACPU_WHERE) {
  return cudacpu::rand::generate("curandGenerate", generator, cudacpu::rand::output::bits32, outputPtr, num,
                                 sizeof(unsigned int), 0, 0, where);
}

/// Fills @p outputPtr with @p num 64-bit integers (SOBOL64 only, else CURAND_STATUS_TYPE_ERROR).
inline curandStatus_t curandGenerateLongLong(curandGenerator_t generator, unsigned long long* outputPtr,
                                             std::size_t num, WS_CUDACPU_WHERE) {
  return cudacpu::rand::generate("curandGenerateLongLong", generator, cudacpu::rand::output::bits64, outputPtr, num,
                                 sizeof(unsigned long long), 0, 0, where);
}

/// Fills @p outputPtr with @p num floats uniform in (0, 1].
inline curandStatus_t curandGenerateUniform(curandGenerator_t generator, float* outputPtr, std::size_t num,
                                            WS_CUDACPU_WHERE) {
  return cudacpu::rand::generate("curandGenerateUniform", generator, cudacpu::rand::output::uniform, outputPtr, num,
                                 sizeof(float), 0, 0, where);
}

/// Fills @p outputPtr with @p num doubles uniform in (0, 1].
inline curandStatus_t curandGenerateUniformDouble(curandGenerator_t generator, double* outputPtr, std::size_t num,
                                                  WS_CUDACPU_WHERE) {
  return cudacpu::rand::generate("curandGenerateUniformDouble", generator, cudacpu::rand::output::uniform_double,
                                 outputPtr, num, sizeof(double), 0, 0, where);
}

/// Fills @p outputPtr with @p n normal floats; @p n must be even for pseudo-random generators.
inline curandStatus_t curandGenerateNormal(curandGenerator_t generator, float* outputPtr, std::size_t n, float mean,
                                           float stddev, WS_CUDACPU_WHERE) {
  return cudacpu::rand::generate("curandGenerateNormal", generator, cudacpu::rand::output::normal, outputPtr, n,
                                 sizeof(float), mean, stddev, where);
}

/// Fills @p outputPtr with @p n normal doubles; @p n must be even for pseudo-random generators.
inline curandStatus_t curandGenerateNormalDouble(curandGenerator_t generator, double* outputPtr, std::size_t n,
                                                 double mean, double stddev, WS_CUDACPU_WHERE) {
  return cudacpu::rand::generate("curandGenerateNormalDouble", generator, cudacpu::rand::output::normal_double,
                                 outputPtr, n, sizeof(double), mean, stddev, where);
}

/// Fills @p outputPtr with @p n log-normal floats, exp(normal(mean, stddev)); @p n even for pseudo-random ones.
inline curandStatus_t curandGenerateLogNormal(curandGenerator_t generator, float* outputPtr, std::size_t n,
                                              float mean, float stddev, WS_CUDACPU_WHERE) {
  return cudacpu::rand::generate("curandGenerateLogNormal", generator, cudacpu::rand::output::log_normal, outputPtr,
                                 n, sizeof(float), mean, stddev, where);
}

/// Fills @p outputPtr with @p n log-normal doubles; @p n even for pseudo-random generators.
inline curandStatus_t curandGenerateLogNormalDouble(curandGenerator_t generator, double* outputPtr, std::size_t n,
                                                    double mean, double stddev, WS_CUDACPU_WHERE) {
  return cudacpu::rand::generate("curandGenerateLogNormalDouble", generator,
                                 cudacpu::rand::output::log_normal_double, outputPtr, n, sizeof(double), mean, stddev,
                                 where);
}

/// Seeds the generator now (cuRAND does it on the first generate call; nothing to do early here).
inline curandStatus_t curandGenerateSeeds(curandGenerator_t generator, WS_CUDACPU_WHERE) {
  return cudacpu::rand::check_generator("curandGenerateSeeds", generator, where);
}

/// Points @p vectors at the 32-bit direction vectors of the Sobol dimensions (20 here; index d is dimension d+1).
inline curandStatus_t curandGetDirectionVectors32(curandDirectionVectors32_t* vectors[],
                                                  curandDirectionVectorSet_t set, WS_CUDACPU_WHERE) {
  if (set != CURAND_DIRECTION_VECTORS_32_JOEKUO6)
    return cudacpu::rand::fail(CURAND_STATUS_OUT_OF_RANGE, where,
                               "curandGetDirectionVectors32: set %d is not CURAND_DIRECTION_VECTORS_32_JOEKUO6 (the "
                               "only 32-bit set the CPU backend provides)",
                               static_cast<int>(set));
  *vectors = cudacpu::rand::direction_table<curandDirectionVectors32_t, unsigned int, 32>();
  return CURAND_STATUS_SUCCESS;
}

/// Points @p vectors at the 64-bit direction vectors of the Sobol dimensions (20 here; index d is dimension d+1).
inline curandStatus_t curandGetDirectionVectors64(curandDirectionVectors64_t* vectors[],
                                                  curandDirectionVectorSet_t set, WS_CUDACPU_WHERE) {
  if (set != CURAND_DIRECTION_VECTORS_64_JOEKUO6)
    return cudacpu::rand::fail(CURAND_STATUS_OUT_OF_RANGE, where,
                               "curandGetDirectionVectors64: set %d is not CURAND_DIRECTION_VECTORS_64_JOEKUO6 (the "
                               "only 64-bit set the CPU backend provides)",
                               static_cast<int>(set));
  *vectors = cudacpu::rand::direction_table<curandDirectionVectors64_t, unsigned long long, 64>();
  return CURAND_STATUS_SUCCESS;
}

// The device API: the generators the host API runs (and produce() above).
#include "curand_kernel.h"
