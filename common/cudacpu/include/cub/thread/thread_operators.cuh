/// @file
/// @brief CUB's binary operators for cudacpu's CUB stand-in: `cub::Sum`, `cub::Max`, `cub::Min` (CUB 2.x names).
///
/// CCCL 3 (CUDA 13) removed them: with nvcc 13 the same code does not compile. They are here, marked deprecated,
/// so that older code still builds on the CPU backend with a warning that names the replacement; course code uses
/// `cuda::std::plus<>`, `cuda::maximum<>` and `cuda::minimum<>` (declared by every CUB header), which both build.
#pragma once

#include "../detail/cudacpu_backend.cuh"

namespace cub {

/// `a + b`.
struct [[deprecated("cub::Sum was removed in CCCL 3 (CUDA 13): use cuda::std::plus<>")]] Sum {
  /// Deprecated too: GCC warns about `cub::Sum()` and `cub::Sum{}` only through a user-provided constructor.
  [[deprecated("cub::Sum was removed in CCCL 3 (CUDA 13): use cuda::std::plus<>")]] constexpr Sum() {}
  /// a + b.
  template <class A, class B>
  constexpr auto operator()(const A& a, const B& b) const -> decltype(a + b) {
    return a + b;
  }
};

/// The larger of two values (`a < b ? b : a`).
struct [[deprecated("cub::Max was removed in CCCL 3 (CUDA 13): use cuda::maximum<>")]] Max {
  /// Deprecated too: GCC warns about `cub::Max()` and `cub::Max{}` only through a user-provided constructor.
  [[deprecated("cub::Max was removed in CCCL 3 (CUDA 13): use cuda::maximum<>")]] constexpr Max() {}
  /// max(a, b).
  template <class A, class B>
  constexpr std::common_type_t<A, B> operator()(const A& a, const B& b) const {
    return a < b ? b : a;
  }
};

/// The smaller of two values (`b < a ? b : a`).
struct [[deprecated("cub::Min was removed in CCCL 3 (CUDA 13): use cuda::minimum<>")]] Min {
  /// Deprecated too: GCC warns about `cub::Min()` and `cub::Min{}` only through a user-provided constructor.
  [[deprecated("cub::Min was removed in CCCL 3 (CUDA 13): use cuda::minimum<>")]] constexpr Min() {}
  /// min(a, b).
  template <class A, class B>
  constexpr std::common_type_t<A, B> operator()(const A& a, const B& b) const {
    return b < a ? b : a;
  }
};

}  // namespace cub
