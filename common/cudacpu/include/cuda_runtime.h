/// @file
/// @brief Stand-in for CUDA's `cuda_runtime.h` when a .cu file is compiled by the cudacpu backend: the runtime
///        API, kernel launch, built-in variables, barriers, warp intrinsics, atomics, math, half types.
///
/// The translated file includes this first. It never defines `__CUDACC__`; it defines `WS_CUDACPU`.
#pragma once

// The include guards of the real headers this one stands in for. Code tests them to learn what is declared
// (cuda-samples' helper_cuda.h defines checkCudaErrors only `#ifdef __DRIVER_TYPES_H__`), and a real header that is
// reached anyway (a copy on the include path) then adds nothing instead of redefining everything.
#define __CUDA_RUNTIME_H__
#define __CUDA_RUNTIME_API_H__
#define __DRIVER_TYPES_H__
#define __VECTOR_TYPES_H__
#define __VECTOR_FUNCTIONS_H__
#define __DEVICE_LAUNCH_PARAMETERS_H__
#define __CUDA_DEVICE_RUNTIME_API_H__
#define __LIBRARY_TYPES_H__
#define __CUDA_FP16_H__
#define __CUDA_BF16_H__

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <math.h>

#include "cudacpu/defs.h"
#include "cudacpu/types.h"
#include "library_types.h"
#include "cudacpu/api.h"
#include "cudacpu/texture.h"
#include "cudacpu/kernel.h"
#include "cudacpu/launch.h"
#include "cudacpu/warp.h"
#include "cudacpu/half.h"
#include "cudacpu/atomic.h"
#include "cudacpu/intrinsics.h"
