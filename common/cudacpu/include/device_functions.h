/// @file
/// @brief Stand-in for CUDA's `device_functions.h` on the cudacpu backend (device intrinsics): everything lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
