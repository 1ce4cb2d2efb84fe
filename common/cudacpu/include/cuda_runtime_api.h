/// @file
/// @brief Stand-in for CUDA's `cuda_runtime_api.h` on the cudacpu backend (the CUDA runtime API): everything lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
