/// @file
/// @brief Stand-in for CUDA's `cuda.h` on the cudacpu backend (the driver API header (the runtime API subset only; no cu* functions)): everything lives in cuda_runtime.h.
#pragma once

#define __cuda_cuda_h__  // the real header's guard

#include "cuda_runtime.h"
