/// @file
/// @brief Stand-in for CUDA's `cuda_bf16.h` on the cudacpu backend: `__nv_bfloat16` and its intrinsics.
#pragma once

#include "cuda_runtime.h"
#include "cudacpu/half.h"
