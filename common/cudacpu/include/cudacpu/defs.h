/// @file
/// @brief CUDA's declaration qualifiers (`__global__`, `__device__`, ...) for code compiled by the cudacpu backend.
///
/// The translator rewrites only launches and `__shared__` declarations; every other CUDA keyword must compile as
/// plain C++, so it becomes nothing (or the nearest GCC attribute). `__CUDACC__` is deliberately never defined:
/// libraries such as CCCL/Thrust must take their host (non-CUDA-compiler) code paths.
#pragma once

/// Marks code compiled by the cudacpu backend (CUDA code can test it; `__CUDACC__` stays undefined).
#define WS_CUDACPU 1

#ifndef __global__
/// A kernel is an ordinary function here; the launcher calls it once per CUDA thread.
#define __global__
#endif
#ifndef __device__
/// Device functions are ordinary functions.
#define __device__
#endif
#ifndef __host__
/// Host functions are ordinary functions.
#define __host__
#endif
#ifndef __forceinline__
/// Only a hint on the CPU.
#define __forceinline__ inline
#endif
#ifndef __noinline__
// Empty on purpose: libstdc++ spells GCC's attribute `__attribute__((__noinline__))`, which must stay valid.
#define __noinline__
#endif
#ifndef __launch_bounds__
/// Occupancy hints mean nothing on the CPU.
#define __launch_bounds__(...)
#endif
#ifndef __align__
/// CUDA's alignment qualifier, e.g. `struct __align__(16) pair { float a, b, c, d; };`.
#define __align__(n) __attribute__((aligned(n)))
#endif
#ifndef __constant__
/// Constant memory is an ordinary global; `cudaMemcpyToSymbol` copies into it.
#define __constant__
#endif
#ifndef __managed__
/// Managed globals are ordinary globals (host and "device" share one address space).
#define __managed__
#endif
#ifndef __grid_constant__
/// Kernel parameters are already per-thread copies.
#define __grid_constant__
#endif
#ifndef __cudart_builtin__
#define __cudart_builtin__
#endif
#ifndef __device_builtin__
#define __device_builtin__
#endif
#ifndef CUDART_CB
#define CUDART_CB
#endif

#ifndef __shared__
// A `__shared__` the translator did not rewrite would silently become a per-thread variable; stop the build
// instead. The translator rewrites the .cu and the headers it includes with quotes; this is reached from a header
// included with <...>, or a declaration the translator could not see (one spelled through a macro).
#define __shared__                                                                                                  \
  _Pragma("GCC error \"cudacpu: this __shared__ declaration was not translated: the CPU backend translates the .cu file and the headers it includes with quotes (#include \\\"x.cuh\\\"), not headers included with <...> or declarations made by a macro\"")
#endif

/// The CUDA runtime version this stand-in mimics (CUDA 13.0); CCCL reads it.
#ifndef CUDART_VERSION
#define CUDART_VERSION 13000
#endif
#ifndef CUDA_VERSION
#define CUDA_VERSION 13000
#endif

// CCCL would otherwise wrap our __half/__nv_bfloat16 in its own extended-float machinery and pick up the real
// toolkit's cuda_fp8.h from the default include path; neither works with the stand-in types.
#ifndef CCCL_DISABLE_FP16_SUPPORT
#define CCCL_DISABLE_FP16_SUPPORT
#endif
#ifndef CCCL_DISABLE_BF16_SUPPORT
#define CCCL_DISABLE_BF16_SUPPORT
#endif
#ifndef CCCL_DISABLE_NVFP8_SUPPORT
#define CCCL_DISABLE_NVFP8_SUPPORT
#endif
