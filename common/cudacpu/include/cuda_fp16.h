/// @file
/// @brief Stand-in for CUDA's `cuda_fp16.h` on the cudacpu backend: `__half`, `__half2` and their intrinsics.
#pragma once

#include "cuda_runtime.h"
#include "cudacpu/half.h"
