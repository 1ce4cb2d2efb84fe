/// @file
/// @brief `ws_test::kernel_launches()`: how many kernels have run, where the backend can say (the CPU backend).
///
/// On the CPU backend device memory is host memory, so a launcher that copies its inputs to the host, computes
/// there and copies the answer back passes every correctness test. The tests catch it by counting launches around
/// the launcher. A real GPU has no cheap counter; there the grader's performance points catch such a launcher.
/// @code
/// const auto before = ws_test::kernel_launches();
/// launch_matmul_tiled(a, b, c, m, n, k);
/// if (before) REQUIRE(*ws_test::kernel_launches() > *before);
/// @endcode
#pragma once

#include <cstdint>
#include <optional>

#include <cuda_runtime.h>

namespace ws_test {

/// The number of kernel launches that have run so far in this process (cudacpu::kernels_launched()) on the CPU
/// backend; std::nullopt on the native `cuda` backend, which cannot count them.
inline std::optional<std::uint64_t> kernel_launches() {
#if WS_BACKEND_CUDACPU
  return cudacpu::kernels_launched();
#else
  return std::nullopt;
#endif
}

}  // namespace ws_test
