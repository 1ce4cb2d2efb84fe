/// @file
/// @brief Stand-in for CUDA's `cuda_runtime.h` when a .cu file is compiled by the cudacpu backend: the runtime
///        API, kernel launch, built-in variables, barriers, warp intrinsics, atomics, math, half types.
///
/// The translated file includes this first. It never defines `__CUDACC__`; it defines `WS_CUDACPU`.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <math.h>

#include "cudacpu/defs.h"
#include "cudacpu/types.h"
#include "library_types.h"
#include "cudacpu/api.h"
#include "cudacpu/kernel.h"
#include "cudacpu/warp.h"
#include "cudacpu/half.h"
#include "cudacpu/atomic.h"
#include "cudacpu/intrinsics.h"
