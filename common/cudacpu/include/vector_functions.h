/// @file
/// @brief Stand-in for CUDA's `vector_functions.h` on the cudacpu backend (make_float4 and friends): everything lives in cuda_runtime.h.
#pragma once

#include "cuda_runtime.h"
