/// @file
/// @brief Stand-in for CUDA's `sm_20_intrinsics.h` on the cudacpu backend: everything it declares lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
