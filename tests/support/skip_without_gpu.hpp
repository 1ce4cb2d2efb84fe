/// @file skip_without_gpu.hpp
/// @brief The honest skip of every binary built for the native cuda backend (test mains, performance drivers).
///
/// Without a usable device such a binary says why and exits with WS_SKIP_RETURN_CODE, which ctest registers as
/// SKIP_RETURN_CODE: Skipped, never Passed. Binaries built for the cudacpu backend (or none) never skip.
#pragma once

#include <cstdio>

#if WS_BACKEND_CUDA
#include <cuda_runtime.h>
#endif

namespace ws_test {

/// True (after printing "SKIPPED: no usable CUDA device (why)") when this binary needs a GPU and has none.
inline bool skip_without_gpu() {
#if WS_BACKEND_CUDA
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    std::printf("SKIPPED: no usable CUDA device (%s)\n",
                status != cudaSuccess ? cudaGetErrorString(status) : "the driver reports 0 devices");
    return true;
  }
#endif
  return false;
}

}  // namespace ws_test
