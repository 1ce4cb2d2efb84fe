/// @file
/// @brief Stand-in for CUDA's `device_launch_parameters.h` on the cudacpu backend (threadIdx, blockIdx, blockDim, gridDim): everything lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
