/// @file
/// @brief Stand-in for CUDA's `mma.h` on the cudacpu backend: `nvcuda::wmma` fragments as warp collectives.
#pragma once

#include "cuda_runtime.h"
#include "cudacpu/wmma.h"
