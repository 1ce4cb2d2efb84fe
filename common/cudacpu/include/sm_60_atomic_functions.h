/// @file
/// @brief Stand-in for CUDA's `sm_60_atomic_functions.h` on the cudacpu backend (atomics): everything lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
