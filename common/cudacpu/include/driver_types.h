/// @file
/// @brief Stand-in for CUDA's `driver_types.h` on the cudacpu backend (CUDA runtime enums and cudaError_t): everything lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
