/// @file
/// @brief `nvcuda::wmma` (tensor-core fragments) for the cudacpu backend.
///
/// Every lane's fragment holds the whole tile, so elementwise loops over `frag.x[i]` for `i < num_elements` stay
/// consistent across lanes. load/store/mma are warp collectives (all live lanes of the warp must call them, as on
/// the GPU); a store is split between the lanes, so each element is written once.
#pragma once

#include <cstddef>

#include "half.h"
#include "warp.h"

namespace nvcuda::wmma {

/// Fragment use: the A operand.
struct matrix_a {};
/// Fragment use: the B operand.
struct matrix_b {};
/// Fragment use: the accumulator.
struct accumulator {};
/// Operand layout: rows contiguous.
struct row_major {};
/// Operand layout: columns contiguous.
struct col_major {};

/// Memory layout of an accumulator load/store.
enum layout_t { mem_row_major, mem_col_major };

/// Experimental precision tags (accepted types; tf32 fragments hold float).
namespace precision {
/// TF32 inputs (stored as float here).
struct tf32 {};
}  // namespace precision

namespace detail {
/// Rows and columns of a fragment of use U in an MxNxK operation.
template <class U, int M, int N, int K>
struct shape;
/// A is M x K.
template <int M, int N, int K>
struct shape<matrix_a, M, N, K> {
  static constexpr int rows = M, cols = K;  ///< tile extents
};
/// B is K x N.
template <int M, int N, int K>
struct shape<matrix_b, M, N, K> {
  static constexpr int rows = K, cols = N;  ///< tile extents
};
/// C/D are M x N.
template <int M, int N, int K>
struct shape<accumulator, M, N, K> {
  static constexpr int rows = M, cols = N;  ///< tile extents
};
/// Storage type of an element (tf32 is kept as float).
template <class T>
struct storage {
  using type = T;  ///< element type
};
/// tf32 fragments hold floats.
template <>
struct storage<precision::tf32> {
  using type = float;  ///< element type
};
/// All live lanes of the calling warp.
inline unsigned warp_mask() { return ::cudacpu::detail::live_lanes(); }
}  // namespace detail

/// A warp's tile. Element (r, c) of the tile is x[r * cols + c] regardless of the memory layout.
template <class Use, int M, int N, int K, class T, class Layout = void>
class fragment {
 public:
  /// Element type of x[].
  using element_type = typename detail::storage<T>::type;
  static constexpr int rows = detail::shape<Use, M, N, K>::rows;  ///< tile rows
  static constexpr int cols = detail::shape<Use, M, N, K>::cols;  ///< tile columns
  static constexpr int num_elements = rows * cols;                ///< elements held by each lane
  element_type x[num_elements];                                   ///< the elements
};

/// Sets every element (per lane, no synchronisation, as on the GPU).
template <class Use, int M, int N, int K, class T, class L, class V>
void fill_fragment(fragment<Use, M, N, K, T, L>& f, const V& v) {
  using E = typename fragment<Use, M, N, K, T, L>::element_type;
  for (int i = 0; i < f.num_elements; ++i) f.x[i] = static_cast<E>(v);
}

/// Loads an A or B tile whose layout is part of the fragment type; `ldm` is the leading dimension in elements.
template <class Use, int M, int N, int K, class T, class L, class P>
void load_matrix_sync(fragment<Use, M, N, K, T, L>& f, const P* p, unsigned ldm,
                      ::cudacpu::source_location where = ::cudacpu::source_location::current()) {
  static_assert(!std::is_same_v<L, void>, "matrix_a/matrix_b fragments need row_major or col_major");
  ::cudacpu::detail::warp_collective(::cudacpu::detail::warp_op::wmma_load, detail::warp_mask(), 0, 0, where);
  using F = fragment<Use, M, N, K, T, L>;
  for (int r = 0; r < F::rows; ++r)
    for (int c = 0; c < F::cols; ++c) {
      const std::size_t off = std::is_same_v<L, row_major> ? static_cast<std::size_t>(r) * ldm + c
                                                           : r + static_cast<std::size_t>(c) * ldm;
      f.x[r * F::cols + c] = static_cast<typename F::element_type>(p[off]);
    }
}

/// Loads an accumulator tile with an explicit memory layout.
template <int M, int N, int K, class T, class P>
void load_matrix_sync(fragment<accumulator, M, N, K, T>& f, const P* p, unsigned ldm, layout_t layout,
                      ::cudacpu::source_location where = ::cudacpu::source_location::current()) {
  ::cudacpu::detail::warp_collective(::cudacpu::detail::warp_op::wmma_load, detail::warp_mask(), 0, 0, where);
  using F = fragment<accumulator, M, N, K, T>;
  for (int r = 0; r < F::rows; ++r)
    for (int c = 0; c < F::cols; ++c) {
      const std::size_t off = layout == mem_row_major ? static_cast<std::size_t>(r) * ldm + c
                                                      : r + static_cast<std::size_t>(c) * ldm;
      f.x[r * F::cols + c] = static_cast<T>(p[off]);
    }
}

/// Stores an accumulator tile; the lanes split the elements between them so each is written once.
template <int M, int N, int K, class T, class P>
void store_matrix_sync(P* p, const fragment<accumulator, M, N, K, T>& f, unsigned ldm, layout_t layout,
                       ::cudacpu::source_location where = ::cudacpu::source_location::current()) {
  const unsigned mask = detail::warp_mask();
  ::cudacpu::detail::warp_collective(::cudacpu::detail::warp_op::wmma_store, mask, 0, 0, where);
  const unsigned lane = ::cudacpu::detail::lane_id();
  const int lanes = __builtin_popcount(mask);
  const int rank = __builtin_popcount(mask & ((1u << lane) - 1u));
  using F = fragment<accumulator, M, N, K, T>;
  for (int i = rank; i < F::num_elements; i += lanes) {
    const int r = i / F::cols, c = i % F::cols;
    const std::size_t off = layout == mem_row_major ? static_cast<std::size_t>(r) * ldm + c
                                                    : r + static_cast<std::size_t>(c) * ldm;
    p[off] = static_cast<P>(f.x[i]);
  }
}

/// d = a * b + c, accumulated in the accumulator's type (float for half/bf16 inputs). `d` may alias `c`.
template <int M, int N, int K, class TA, class LA, class TB, class LB, class TC, class TD>
void mma_sync(fragment<accumulator, M, N, K, TD>& d, const fragment<matrix_a, M, N, K, TA, LA>& a,
              const fragment<matrix_b, M, N, K, TB, LB>& b, const fragment<accumulator, M, N, K, TC>& c,
              bool satf = false, ::cudacpu::source_location where = ::cudacpu::source_location::current()) {
  (void)satf;
  ::cudacpu::detail::warp_collective(::cudacpu::detail::warp_op::wmma_mma, detail::warp_mask(), 0, 0, where);
  // Every lane computes the whole tile, so this loop runs 32 times per warp: convert the inputs to float once
  // (half -> float is a software conversion here) and run i-k-j, which the compiler vectorizes. Each element is
  // still c + a0*b0 + a1*b1 + ... in order of k, as before.
  float af[M * K], bf[K * N], acc[M * N];
  for (int i = 0; i < M * K; ++i) af[i] = static_cast<float>(a.x[i]);
  for (int i = 0; i < K * N; ++i) bf[i] = static_cast<float>(b.x[i]);
  for (int i = 0; i < M * N; ++i) acc[i] = static_cast<float>(c.x[i]);
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k) {
      const float a_ik = af[i * K + k];
      for (int j = 0; j < N; ++j) acc[i * N + j] += a_ik * bf[k * N + j];
    }
  for (int i = 0; i < M * N; ++i) d.x[i] = static_cast<TD>(acc[i]);
}

}  // namespace nvcuda::wmma
