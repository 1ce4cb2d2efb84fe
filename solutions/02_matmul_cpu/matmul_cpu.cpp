/// @file
/// @brief Lab 02: matrix multiply on the CPU, five versions from the definition to ~100% of OpenBLAS.
///
/// What this file teaches: why loop order matters (stride-1 access), cache blocking, packing data into the order a
/// kernel reads it, a register-blocked SIMD micro-kernel, and sharing the work among cores with OpenMP. This is the
/// structure of every fast GEMM (Goto & van de Geijn, "Anatomy of High-Performance Matrix Multiplication", 2008;
/// BLIS; OpenBLAS), and the same ideas come back on the GPU in labs 03 and 04.
///
/// Versions: naive, ikj, blocked, packed, parallel (see matmul_cpu.h).
///
/// Build and test: `./course check 02`.     Time it against OpenBLAS: `./course bench matmul --cpu-only`.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <omp.h>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

#include "lab02_manifest.hpp"  // the versions, generated from lab.json
#include "matmul_cpu.h"

namespace lab02 {

namespace {

using index_t = std::ptrdiff_t;  // products like i * k overflow int long before memory runs out

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Version "naive": the definition

void matmul_cpu_naive(const float* a, const float* b, float* c, int m, int n, int k) {
  // BEGIN SOLUTION: for each row i and column j, sum a[i][p] * b[p][j] over p into a float and store it in c[i][j] (row-major: element [r][s] of a matrix with w columns is at r * w + s)
  for (index_t i = 0; i < m; ++i) {
    for (index_t j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (index_t p = 0; p < k; ++p) {
        sum += a[i * k + p] * b[p * n + j];  // b is read down a column: a new cache line every step
      }
      c[i * n + j] = sum;
    }
  }
  // END SOLUTION
}

// ---------------------------------------------------------------------------------------------------------------
// Version "ikj": stride-1 inner loop

void matmul_cpu_ikj(const float* a, const float* b, float* c, int m, int n, int k) {
  // BEGIN SOLUTION: zero row i of c, then for each p add a[i][p] times row p of b into row i of c (the inner loop runs over j)
  for (index_t i = 0; i < m; ++i) {
    float* c_row = c + i * n;
    std::fill(c_row, c_row + n, 0.0f);
    for (index_t p = 0; p < k; ++p) {
      const float a_ip = a[i * k + p];
      const float* b_row = b + p * n;
      for (index_t j = 0; j < n; ++j) {
        c_row[j] += a_ip * b_row[j];  // b and c are read along rows: the compiler vectorizes this loop
      }
    }
  }
  // END SOLUTION
}

// ---------------------------------------------------------------------------------------------------------------
// Version "blocked": i-p-j over blocks that fit in cache

namespace {

// A block_k x block_n block of B is 128 x 512 floats = 256 KiB: it stays in L2 (1 MiB per core on Zen 4) while
// every row of A passes over it, and each row's block_n-wide piece of C (2 KiB) stays in L1.
constexpr index_t block_k = 128;
constexpr index_t block_n = 512;

}  // namespace

void matmul_cpu_blocked(const float* a, const float* b, float* c, int m, int n, int k) {
  std::fill(c, c + static_cast<index_t>(m) * n, 0.0f);
  // BEGIN SOLUTION: loop over blocks of columns (j0, step block_n) and of the reduction (p0, step block_k); inside, do the ikj loops limited to the block (std::min for the last, partial block)
  for (index_t j0 = 0; j0 < n; j0 += block_n) {
    const index_t j1 = std::min<index_t>(j0 + block_n, n);
    for (index_t p0 = 0; p0 < k; p0 += block_k) {
      const index_t p1 = std::min<index_t>(p0 + block_k, k);
      for (index_t i = 0; i < m; ++i) {
        float* c_row = c + i * n;
        for (index_t p = p0; p < p1; ++p) {
          const float a_ip = a[i * k + p];
          const float* b_row = b + p * n;
          for (index_t j = j0; j < j1; ++j) {
            c_row[j] += a_ip * b_row[j];
          }
        }
      }
    }
  }
  // END SOLUTION
}

// ---------------------------------------------------------------------------------------------------------------
// Version "packed": packing + a register-blocked SIMD micro-kernel (the Goto/BLIS loop nest)
//
//   for jc in steps of NC:              a panel of B (KC x NC) sits in L3
//     for pc in steps of KC:
//       pack B[pc.., jc..] into bp:     NR-wide column slivers, each KC x NR, contiguous
//       for ic in steps of MC:          a block of A (MC x KC) sits in L2
//         pack A[ic.., pc..] into ap:   MR-tall row slivers, each MR x KC, stored column by column
//         for jr in steps of NR:        one B sliver (KC x NR) sits in L1
//           for ir in steps of MR:
//             micro-kernel: C[ic+ir.., jc+jr..] (+)= sliver of A · sliver of B, an MR x NR tile held in registers
//
// The micro-kernel is the only place that computes; everything else arranges for its loads to hit the cache.

namespace {

#if defined(__AVX512F__)
constexpr std::string_view kernel_name = "avx512";
constexpr index_t MR = 14;  // 14 x 32 accumulators = 28 of the 32 zmm registers; 2 hold B; broadcasts come from memory
constexpr index_t NR = 32;  // two 16-float vectors
#elif defined(__AVX2__)
constexpr std::string_view kernel_name = "avx2";
constexpr index_t MR = 6;   // 6 x 16 accumulators = 12 of the 16 ymm registers; 2 hold B, 1 the broadcast A
constexpr index_t NR = 16;  // two 8-float vectors
#else
constexpr std::string_view kernel_name = "portable";
constexpr index_t MR = 4;   // plain C++ that the compiler can vectorize: an MR x NR array of sums
constexpr index_t NR = 16;
#endif
constexpr index_t KC = 384;   // an MR x KC sliver of A and a KC x NR sliver of B fit in L1 together
constexpr index_t MC = MR * 20;   // an MC x KC block of A fits in L2
constexpr index_t NC = NR * 128;  // a KC x NC panel of B fits in L3

/// Copies rows [0, mc) x columns [0, kc) of A (leading dimension lda) into MR-row slivers: sliver s holds rows
/// s*MR .. s*MR+MR-1, stored p by p (MR values for p = 0, then MR for p = 1, ...). Rows past mc are zeros, so the
/// micro-kernel never needs a bounds check.
void pack_a(const float* a, index_t lda, index_t mc, index_t kc, float* ap) {
  // BEGIN SOLUTION: for each sliver (i0 in steps of MR) and each p, write MR values: a[i0 + r][p] for r < MR, 0 where i0 + r >= mc
  for (index_t i0 = 0; i0 < mc; i0 += MR) {
    const index_t rows = std::min(MR, mc - i0);
    for (index_t p = 0; p < kc; ++p) {
      for (index_t r = 0; r < MR; ++r) {
        *ap++ = r < rows ? a[(i0 + r) * lda + p] : 0.0f;
      }
    }
  }
  // END SOLUTION
}

/// Copies rows [0, kc) x columns [0, nc) of B (leading dimension ldb) into NR-column slivers: sliver s holds
/// columns s*NR .. s*NR+NR-1, stored row by row (NR values for p = 0, then for p = 1, ...); columns past nc are zeros.
void pack_b(const float* b, index_t ldb, index_t kc, index_t nc, float* bp) {
  // BEGIN SOLUTION: for each sliver (j0 in steps of NR) and each p, write NR values: b[p][j0 + s] for s < NR, 0 where j0 + s >= nc
  for (index_t j0 = 0; j0 < nc; j0 += NR) {
    const index_t cols = std::min(NR, nc - j0);
    for (index_t p = 0; p < kc; ++p) {
      const float* b_row = b + p * ldb + j0;
      if (cols == NR) {
        std::memcpy(bp, b_row, NR * sizeof(float));
      } else {
        std::fill(std::copy(b_row, b_row + cols, bp), bp + NR, 0.0f);
      }
      bp += NR;
    }
  }
  // END SOLUTION
}

/// The micro-kernel: tile (MR x NR, leading dimension ldc) = (accumulate ? tile : 0) + ap · bp, where ap is one
/// packed sliver of A (kc columns of MR values) and bp one packed sliver of B (kc rows of NR values).
#if defined(__AVX512F__)
void micro_kernel(index_t kc, const float* ap, const float* bp, float* tile, index_t ldc, bool accumulate) {
  __m512 acc[MR][2];
#pragma GCC unroll 16
  for (auto& row : acc) {
    row[0] = _mm512_setzero_ps();
    row[1] = _mm512_setzero_ps();
  }
  for (index_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_load_ps(bp);
    const __m512 b1 = _mm512_load_ps(bp + 16);
    // Unrolled, so every acc[r][.] is its own register (without it, -O2 keeps the loop and acc lives in memory).
#pragma GCC unroll 16
    for (index_t r = 0; r < MR; ++r) {
      const __m512 a_r = _mm512_set1_ps(ap[r]);
      acc[r][0] = _mm512_fmadd_ps(a_r, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a_r, b1, acc[r][1]);
    }
    ap += MR;
    bp += NR;
  }
#pragma GCC unroll 16
  for (index_t r = 0; r < MR; ++r) {
    float* row = tile + r * ldc;
    if (accumulate) {
      acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_loadu_ps(row));
      acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_loadu_ps(row + 16));
    }
    _mm512_storeu_ps(row, acc[r][0]);
    _mm512_storeu_ps(row + 16, acc[r][1]);
  }
}
#elif defined(__AVX2__)
void micro_kernel(index_t kc, const float* ap, const float* bp, float* tile, index_t ldc, bool accumulate) {
  __m256 acc[MR][2];
#pragma GCC unroll 16
  for (auto& row : acc) {
    row[0] = _mm256_setzero_ps();
    row[1] = _mm256_setzero_ps();
  }
  for (index_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_load_ps(bp);
    const __m256 b1 = _mm256_load_ps(bp + 8);
#pragma GCC unroll 16
    for (index_t r = 0; r < MR; ++r) {
      const __m256 a_r = _mm256_broadcast_ss(ap + r);
      acc[r][0] = _mm256_fmadd_ps(a_r, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a_r, b1, acc[r][1]);
    }
    ap += MR;
    bp += NR;
  }
#pragma GCC unroll 16
  for (index_t r = 0; r < MR; ++r) {
    float* row = tile + r * ldc;
    if (accumulate) {
      acc[r][0] = _mm256_add_ps(acc[r][0], _mm256_loadu_ps(row));
      acc[r][1] = _mm256_add_ps(acc[r][1], _mm256_loadu_ps(row + 8));
    }
    _mm256_storeu_ps(row, acc[r][0]);
    _mm256_storeu_ps(row + 8, acc[r][1]);
  }
}
#else
void micro_kernel(index_t kc, const float* ap, const float* bp, float* tile, index_t ldc, bool accumulate) {
  float acc[MR][NR] = {};
  for (index_t p = 0; p < kc; ++p) {
    for (index_t r = 0; r < MR; ++r) {
      for (index_t s = 0; s < NR; ++s) {
        acc[r][s] += ap[r] * bp[s];
      }
    }
    ap += MR;
    bp += NR;
  }
  for (index_t r = 0; r < MR; ++r) {
    for (index_t s = 0; s < NR; ++s) {
      tile[r * ldc + s] = accumulate ? tile[r * ldc + s] + acc[r][s] : acc[r][s];
    }
  }
}
#endif

/// Packing buffers, 64-byte aligned for the aligned vector loads in the micro-kernels.
struct aligned_floats {
  struct free_aligned {
    void operator()(float* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  std::unique_ptr<float[], free_aligned> data;
  explicit aligned_floats(index_t n)
      : data(static_cast<float*>(::operator new[](static_cast<std::size_t>(n) * sizeof(float), std::align_val_t{64}))) {}
  float* get() const { return data.get(); }
};

/// C[ic.., jc..] (+)= A block · B panel for one packed A block (mc x kc) and the packed B panel (kc x nc).
/// Tiles that stick out past C's edge are computed into a scratch tile and only their valid part is copied.
void block_times_panel(const float* ap, const float* bp, float* c, index_t ldc, index_t mc, index_t nc, index_t kc,
                       bool accumulate) {
  alignas(64) float edge[MR * NR];
  for (index_t jr = 0; jr < nc; jr += NR) {
    const index_t cols = std::min(NR, nc - jr);
    for (index_t ir = 0; ir < mc; ir += MR) {
      const index_t rows = std::min(MR, mc - ir);
      float* tile = c + ir * ldc + jr;
      const float* a_sliver = ap + ir * kc;
      const float* b_sliver = bp + jr * kc;
      if (rows == MR && cols == NR) {
        micro_kernel(kc, a_sliver, b_sliver, tile, ldc, accumulate);
        continue;
      }
      for (index_t r = 0; r < rows; ++r) {
        std::copy(tile + r * ldc, tile + r * ldc + cols, edge + r * NR);
      }
      micro_kernel(kc, a_sliver, b_sliver, edge, NR, accumulate);
      for (index_t r = 0; r < rows; ++r) {
        std::copy(edge + r * NR, edge + r * NR + cols, tile + r * ldc);
      }
    }
  }
}

/// The Goto loop nest for columns [@p col_begin, @p col_end) of C (a strip; the whole of C on one thread), with
/// packing buffers @p ap (room for MC x KC floats) and @p bp (KC x NC, rounded up to whole slivers).
void packed_matmul_strip(const float* a, const float* b, float* c, index_t m, index_t n, index_t k, index_t col_begin,
                         index_t col_end, float* ap, float* bp) {
  // BEGIN SOLUTION: the loop nest in the comment above: jc from col_begin to col_end in steps of NC, pc in steps of KC (pack_b), ic in steps of MC (pack_a, then block_times_panel; accumulate when pc > 0). std::min for every last, partial block
  for (index_t jc = col_begin; jc < col_end; jc += NC) {
    const index_t nc = std::min(NC, col_end - jc);
    for (index_t pc = 0; pc < k; pc += KC) {
      const index_t kc = std::min(KC, k - pc);
      pack_b(b + pc * n + jc, n, kc, nc, bp);
      for (index_t ic = 0; ic < m; ic += MC) {
        const index_t mc = std::min(MC, m - ic);
        pack_a(a + ic * k + pc, k, mc, kc, ap);
        block_times_panel(ap, bp, c + ic * n + jc, n, mc, nc, kc, pc > 0);
      }
    }
  }
  // END SOLUTION
}

/// The columns of C that thread @p t of @p count computes: whole NR-wide slivers, as evenly as they go, so that
/// 512 columns split 256 + 256 (splitting rows in MR = 14 slivers would give 252 + 260).
std::pair<index_t, index_t> columns_of_thread(index_t n, int t, int count) {
  const index_t slivers = (n + NR - 1) / NR;
  return {std::min(n, slivers * t / count * NR), std::min(n, slivers * (t + 1) / count * NR)};
}

/// The packed matmul on @p threads threads (1: no parallel region at all). Each thread computes its own strip of
/// C's columns with the whole loop nest and its own packing buffers: the threads share nothing they write, so they
/// never wait for each other. The buffers are allocated once, here, and only as large as this problem needs:
/// allocating and freeing megabytes per thread per call costs more than a whole 256 x 256 product.
void packed_matmul(const float* a, const float* b, float* c, index_t m, index_t n, index_t k, int threads) {
  if (m == 0 || n == 0) {
    return;
  }
  if (k == 0) {
    std::fill(c, c + m * n, 0.0f);
    return;
  }
  const auto round_up = [](index_t x, index_t step) { return (x + step - 1) / step * step; };
  // Sizes in whole 64-byte lines, so every thread's B buffer starts aligned for the micro-kernel's aligned loads.
  const index_t a_size = round_up(round_up(std::min(MC, m), MR) * std::min(KC, k), 16);
  const index_t b_size = round_up(std::min(KC, k) * round_up(std::min(NC, round_up(n, NR) / threads + NR), NR), 16);
  aligned_floats buffers(threads * (a_size + b_size));
  // BEGIN SOLUTION: open an OpenMP parallel region of `threads` threads (`if (threads > 1)`); in it, thread t (omp_get_thread_num()) takes its strip from columns_of_thread(n, t, omp_get_num_threads()) and runs packed_matmul_strip on it with its own part of `buffers`: A's at buffers.get() + t * (a_size + b_size), B's a_size floats after that
#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const int t = omp_get_thread_num();
    const auto [col_begin, col_end] = columns_of_thread(n, t, omp_get_num_threads());
    float* ap = buffers.get() + t * (a_size + b_size);
    packed_matmul_strip(a, b, c, m, n, k, col_begin, col_end, ap, ap + a_size);
  }
  // STARTER: static_cast<void>(threads);
  // END SOLUTION
}

}  // namespace

void matmul_cpu_packed(const float* a, const float* b, float* c, int m, int n, int k) {
  packed_matmul(a, b, c, m, n, k, 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Version "parallel": the packed version on every core

void matmul_cpu_parallel(const float* a, const float* b, float* c, int m, int n, int k, int threads) {
  packed_matmul(a, b, c, m, n, k, threads > 0 ? threads : omp_get_num_procs());
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatcher

std::vector<std::string_view> matmul_cpu_versions() {
  return {manifest::matmul_cpu_versions.begin(), manifest::matmul_cpu_versions.end()};
}

void matmul_cpu(std::string_view version, const float* a, const float* b, float* c, int m, int n, int k,
                int threads) {
  if (version == "naive") {
    matmul_cpu_naive(a, b, c, m, n, k);
  } else if (version == "ikj") {
    matmul_cpu_ikj(a, b, c, m, n, k);
  } else if (version == "blocked") {
    matmul_cpu_blocked(a, b, c, m, n, k);
  } else if (version == "packed") {
    matmul_cpu_packed(a, b, c, m, n, k);
  } else if (version == "parallel") {
    matmul_cpu_parallel(a, b, c, m, n, k, threads);
  } else {
    throw std::invalid_argument("lab02: unknown matmul version '" + std::string(version) + "'");
  }
}

std::string_view simd_kernel_name() { return kernel_name; }

}  // namespace lab02
